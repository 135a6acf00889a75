/// A strict RFC 4180 reader for the tests: CRLF records, quoted fields with doubled quotes; a quote inside an
/// unquoted field, text after a closing quote or an unterminated quote is an error (as Python's `strict`).
enum StrictCSV {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var inQuotes = false
        var afterClosingQuote = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if inQuotes {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        inQuotes = false
                        afterClosingQuote = true
                    }
                } else {
                    field.unicodeScalars.append(character)
                }
                continue
            }
            switch character {
            case ",":
                row.append(field)
                field = ""
                quoted = false
                afterClosingQuote = false
            case "\r":
                guard characters.popFirst() == "\n" else { throw Malformed(description: "a CR without LF in row \(rows.count + 1)") }
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                quoted = false
                afterClosingQuote = false
            case "\n":
                throw Malformed(description: "a bare LF ends row \(rows.count + 1)")
            case "\"":
                guard field.isEmpty, !quoted else { throw Malformed(description: "a quote inside an unquoted field in row \(rows.count + 1)") }
                quoted = true
                inQuotes = true
            default:
                if afterClosingQuote { throw Malformed(description: "text after a closing quote in row \(rows.count + 1)") }
                field.unicodeScalars.append(character)
            }
        }
        if inQuotes { throw Malformed(description: "an unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty { throw Malformed(description: "the last record does not end with CRLF") }
        return rows
    }
}
