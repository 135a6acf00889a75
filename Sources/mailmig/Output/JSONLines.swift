import Foundation
import MailMigCore

/// Machine output: one JSON object per line, each with a `type` and the output format `version`.
enum JSONLines {
    static let version = 1

    static func print<Event: Encodable>(_ event: Event) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(event), let line = String(data: data, encoding: .utf8) else { return }
        Swift.print(line)
    }
}

/// `{"type":"diagnostic",…}`.
struct DiagnosticEvent: Encodable {
    let type = "diagnostic"
    let version = JSONLines.version
    let severity: String
    let file: String
    let line: Int
    let column: Int
    let message: String

    init(_ diagnostic: Diagnostic) {
        severity = diagnostic.severity.rawValue
        file = diagnostic.location.file
        line = diagnostic.location.line
        column = diagnostic.location.column
        message = diagnostic.message
    }
}

/// `{"type":"validation",…}`: the verdict for one file.
struct ValidationEvent: Encodable {
    let type = "validation"
    let version = JSONLines.version
    let file: String
    let valid: Bool
    let errors: Int
    let warnings: Int
}
