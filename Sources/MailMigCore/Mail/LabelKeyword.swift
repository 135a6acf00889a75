/// The IMAP keyword a label becomes under `folders.labels: keywords`: the target folder's path, which
/// is what a user sees the label as on the target.
///
/// A keyword is an atom (RFC 3501 §9): printable ASCII other than `(`, `)`, `{`, `%`, `*`, `"`, `\`
/// and `]`, without spaces. Those characters, spaces and `[` (so brackets stay a pair: `[Gmail]/Sent`
/// is `_Gmail_/Sent`) become `_`; other characters are written in
/// modified UTF-7 (RFC 3501 §5.1.3), as mail clients write non-ASCII tag names (`Überweisungen` →
/// `&ANw-berweisungen`).
enum LabelKeyword {
    /// The keyword for a folder path.
    static func of(_ path: String) -> String {
        var keyword = ""
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            keyword += "&" + base64(pending) + "-"
            pending.removeAll()
        }
        for scalar in path.unicodeScalars {
            if scalar.isASCII {
                flush()
                let byte = UInt8(scalar.value)
                if byte == UInt8(ascii: "&") {
                    keyword += "&-"
                } else if byte > 0x20, byte < 0x7F, !Array("(){%*\"\\[]".utf8).contains(byte) {
                    keyword.unicodeScalars.append(scalar)
                } else {
                    keyword += "_"
                }
            } else {
                pending += Array(String(scalar).utf16)
            }
        }
        flush()
        return keyword.isEmpty ? "_" : keyword
    }

    /// UTF-16 code units in modified base64: `,` for `/`, no padding.
    private static func base64(_ units: [UInt16]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,")
        let bytes = units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        var text = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(0) { $0 | (Int($1.element) << (16 - 8 * $1.offset)) }
            for position in 0...chunk.count { text.append(alphabet[(value >> (18 - 6 * position)) & 0x3F]) }
            index += 3
        }
        return text
    }
}
