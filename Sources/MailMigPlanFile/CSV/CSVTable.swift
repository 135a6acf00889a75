/// A CSV file (RFC 4180: commas, double quotes, CRLF or LF) with the position of every field.
struct CSVTable {
    /// One field and where it starts.
    struct Field {
        var text: String
        var line: Int
        var column: Int
    }

    /// Rows of fields; blank lines are dropped.
    var rows: [[Field]] = []

    /// A syntax error at a position.
    struct SyntaxError: Error {
        var line: Int
        var column: Int
        var message: String
    }

    /// Parses the whole text.
    static func parse(_ text: String) throws(SyntaxError) -> CSVTable {
        var table = CSVTable()
        var row: [Field] = []
        var field = ""
        var fieldLine = 1
        var fieldColumn = 1
        var line = 1
        var column = 1
        var inQuotes = false
        var wasQuoted = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0

        func endField() {
            row.append(Field(text: wasQuoted ? field : field.trimmingWhitespace(), line: fieldLine, column: fieldColumn))
            field = ""
            wasQuoted = false
        }
        func endRow() {
            if !(row.count == 1 && row[0].text.isEmpty) { table.rows.append(row) }
            row = []
        }

        while index < scalars.count {
            let c = scalars[index]
            if inQuotes {
                if c == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 2
                        column += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    field.unicodeScalars.append(c)
                    if c == "\n" {
                        line += 1
                        column = 0
                    }
                }
                index += 1
                column += 1
                continue
            }
            switch c {
            case "\"":
                guard field.trimmingWhitespace().isEmpty, !wasQuoted else {
                    throw SyntaxError(line: line, column: column, message: "a quote inside an unquoted field; quote the whole field and double the quotes inside")
                }
                field = ""
                inQuotes = true
                wasQuoted = true
            case ",":
                endField()
                fieldLine = line
                fieldColumn = column + 1
            case "\r" where index + 1 < scalars.count && scalars[index + 1] == "\n":
                break
            case "\n":
                endField()
                endRow()
                line += 1
                column = 0
                fieldLine = line
                fieldColumn = 1
            default:
                if wasQuoted, c != " " {
                    throw SyntaxError(line: line, column: column, message: "text after a closing quote")
                }
                field.unicodeScalars.append(c)
            }
            index += 1
            column += 1
        }
        if inQuotes {
            throw SyntaxError(line: fieldLine, column: fieldColumn, message: "a quoted field is never closed")
        }
        if !field.isEmpty || !row.isEmpty || wasQuoted {
            endField()
            endRow()
        }
        return table
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}
