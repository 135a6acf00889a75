/// Why a response could not be read; internal to the parser, surfaced as `IMAPResponse.unparsable`.
struct ParseError: Error, Sendable, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}
