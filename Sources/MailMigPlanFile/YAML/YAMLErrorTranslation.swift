import MailMigCore
import Yams

/// Words a user understands for the errors of the YAML parser.
enum YAMLErrorTranslation {
    static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        func at(_ mark: Mark, _ message: String) -> Diagnostic {
            let location = SourceLocation(file: file, line: max(1, mark.line), column: max(1, mark.column))
            if character(in: text, line: location.line, column: location.column) == "\t" {
                return Diagnostic(.error, at: location, "a tab cannot indent YAML; use spaces")
            }
            return Diagnostic(.error, at: location, message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context, !context.text.isEmpty { message += " (\(context.text))" }
            return at(mark, message)
        case .reader(let problem, let offset, _, _):
            let position = offset.map { lineAndColumn(ofUTF8Offset: $0, in: text) } ?? (1, 1)
            return Diagnostic(.error, at: SourceLocation(file: file, line: position.0, column: position.1),
                              "the file cannot be read as YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return at(context.mark, "duplicate key \(names) in one mapping; each key may appear once")
        default:
            return Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: 1), "the YAML could not be read: \(error)")
        }
    }

    private static func character(in text: String, line: Int, column: Int) -> Unicode.Scalar? {
        var currentLine = 1
        var currentColumn = 1
        for scalar in text.unicodeScalars {
            if currentLine == line, currentColumn == column { return scalar }
            if currentLine > line { return nil }
            if scalar == "\n" {
                currentLine += 1
                currentColumn = 1
            } else {
                currentColumn += 1
            }
        }
        return nil
    }

    private static func lineAndColumn(ofUTF8Offset offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        var consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= offset { break }
            consumed += String(scalar).utf8.count
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
