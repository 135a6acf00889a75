/// The first line of every answer (RFC 1939 §3), or a SASL continuation during AUTH (RFC 5034 §4).
enum StatusLine: Equatable {
    /// `+OK text`.
    case ok(String)
    /// `-ERR [CODE] text`.
    case err(code: POP3ResponseCode?, text: String)
    /// `+ base64` (a SASL challenge, possibly empty).
    case continuation(String)

    /// Parses one line, terminator included or not; nil when it is none of the three forms.
    static func parse(_ bytes: some Collection<UInt8>) -> StatusLine? {
        var line = Array(bytes)
        if line.last == 0x0A { line.removeLast() }
        if line.last == 0x0D { line.removeLast() }
        let text = String(decoding: line, as: UTF8.self)
        if let rest = rest(of: text, after: "+OK") { return .ok(rest) }
        if let rest = rest(of: text, after: "-ERR") { return errWithCode(rest) }
        if text == "+" { return .continuation("") }
        if text.hasPrefix("+ ") { return .continuation(String(text.dropFirst(2))) }
        return nil
    }

    /// The text after a status indicator (case-insensitive, RFC 1939 §3), when the line starts with it.
    private static func rest(of text: String, after indicator: String) -> String? {
        guard text.count >= indicator.count, text.prefix(indicator.count).uppercased() == indicator else { return nil }
        let rest = text.dropFirst(indicator.count)
        if rest.isEmpty { return "" }
        guard rest.first == " " else { return nil }
        return String(rest.dropFirst())
    }

    /// `-ERR [SYS/TEMP] text` → the code and the text (RFC 2449 §8).
    private static func errWithCode(_ rest: String) -> StatusLine {
        guard rest.hasPrefix("["), let close = rest.firstIndex(of: "]") else { return .err(code: nil, text: rest) }
        let token = rest[rest.index(after: rest.startIndex)..<close]
        guard !token.isEmpty, !token.contains(" ") else { return .err(code: nil, text: rest) }
        let text = rest[rest.index(after: close)...].drop { $0 == " " }
        return .err(code: POP3ResponseCode(String(token)), text: String(text))
    }
}
