import Foundation

/// Text in presentation format (a name, a record value, a type) could not be parsed.
public struct DNSParseError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The text that was given.
    public let input: String
    /// What the text should have looked like, e.g. `a preference and a host name, like "10 mx.example.com."`.
    public let expected: String
    /// What was being parsed, e.g. `MX value` or `domain name`.
    public let subject: String

    /// An error about `input`, a `subject` such as `MX value`, and what was `expected`.
    public init(input: String, subject: String, expected: String) {
        self.input = input
        self.subject = subject
        self.expected = expected
    }

    public var description: String { "\"\(input)\" is not a valid \(subject): expected \(expected)" }
    public var errorDescription: String? { description }
}
