/// Backslash escapes shared by names and character strings in presentation format.
enum PresentationEscapes {
    /// Reads what follows a backslash: `\DDD` (decimal byte) or a literal character.
    ///
    /// Returns nil when the escape is incomplete or the number exceeds 255.
    static func unescape(_ bytes: inout ArraySlice<UInt8>) throws -> UInt8? {
        guard let first = bytes.first else { return nil }
        if isDigit(first) {
            let digits = bytes.prefix(3)
            guard digits.count == 3, digits.allSatisfy(isDigit) else { return nil }
            let value = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { return nil }
            bytes.removeFirst(3)
            return UInt8(value)
        }
        bytes.removeFirst()
        return first
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Escapes one label: special characters with a backslash, non-printable bytes as `\DDD`.
    static func escapeLabel(_ label: [UInt8]) -> String {
        escape(label, special: Array(".\\\"();@$ ".utf8))
    }

    /// Escapes the contents of a quoted character string.
    static func escapeQuoted(_ bytes: [UInt8]) -> String {
        escape(bytes, special: Array("\"\\".utf8))
    }

    private static func escape(_ bytes: [UInt8], special: [UInt8]) -> String {
        var result = ""
        for byte in bytes {
            if special.contains(byte) {
                result += "\\" + String(UnicodeScalar(byte))
            } else if byte < 0x20 || byte > 0x7E {
                let digits = String(byte)
                result += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
            } else {
                result.append(Character(UnicodeScalar(byte)))
            }
        }
        return result
    }
}
