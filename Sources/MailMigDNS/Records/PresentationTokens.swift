/// Splits presentation text into whitespace-separated tokens, honouring double quotes.
struct PresentationToken: Equatable {
    /// For a quoted token, the unescaped bytes; otherwise the raw bytes, escapes untouched.
    var bytes: [UInt8]
    var isQuoted: Bool

    /// Tokens of `text`, or nil when a quote is not closed or an escape is incomplete.
    static func tokenize(_ text: String) -> [PresentationToken]? {
        var tokens: [PresentationToken] = []
        var input = Array(text.utf8)[...]
        while true {
            while let first = input.first, isSpace(first) { input.removeFirst() }
            guard let first = input.first else { return tokens }
            if first == UInt8(ascii: "\"") {
                input.removeFirst()
                var bytes: [UInt8] = []
                var closed = false
                while let byte = input.popFirst() {
                    if byte == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    if byte == UInt8(ascii: "\\") {
                        guard let escaped = try? PresentationEscapes.unescape(&input) else { return nil }
                        bytes.append(escaped)
                    } else {
                        bytes.append(byte)
                    }
                }
                guard closed else { return nil }
                tokens.append(PresentationToken(bytes: bytes, isQuoted: true))
            } else {
                var bytes: [UInt8] = []
                while let byte = input.first, !isSpace(byte), byte != UInt8(ascii: "\"") {
                    input.removeFirst()
                    bytes.append(byte)
                    if byte == UInt8(ascii: "\\"), let next = input.popFirst() { bytes.append(next) }
                }
                tokens.append(PresentationToken(bytes: bytes, isQuoted: false))
            }
        }
    }

    /// The token's bytes as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes with `\X` and `\DDD` escapes resolved (for unquoted character strings).
    var unescaped: [UInt8]? {
        if isQuoted { return bytes }
        var input = bytes[...]
        var result: [UInt8] = []
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "\\") {
                guard let escaped = try? PresentationEscapes.unescape(&input) else { return nil }
                result.append(escaped)
            } else {
                result.append(byte)
            }
        }
        return result
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
