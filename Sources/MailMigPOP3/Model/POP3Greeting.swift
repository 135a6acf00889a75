/// The server's `+OK` greeting (RFC 1939 §4).
public struct POP3Greeting: Sendable, Equatable {
    /// The greeting's text after `+OK`.
    public var text: String
    /// The APOP timestamp, brackets included (`<1896.697170952@dbc.mtview.ca.us>`), when the server
    /// offers APOP (RFC 1939 §7).
    public var apopTimestamp: String?

    /// The greeting for a `+OK` text; the timestamp is the first `<…>` holding an `@`.
    public init(text: String) {
        self.text = text
        if let open = text.firstIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            let candidate = String(text[open...close])
            apopTimestamp = candidate.contains("@") ? candidate : nil
        } else {
            apopTimestamp = nil
        }
    }
}
