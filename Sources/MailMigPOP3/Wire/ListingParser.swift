/// Reads the answers to STAT, LIST and UIDL (RFC 1939 §5, §7).
enum ListingParser {
    /// A line that is not what the command answers.
    struct Malformed: Error {
        let line: String
    }

    /// `+OK 2 320` → 2 messages, 320 octets.
    static func statistics(_ text: String) throws -> POP3Statistics {
        let words = text.split(separator: " ")
        guard words.count >= 2, let count = Int(words[0]), let size = Int(words[1]), count >= 0, size >= 0 else {
            throw Malformed(line: text)
        }
        return POP3Statistics(count: count, size: size)
    }

    /// The lines of a multi-line answer, CRLF removed.
    static func lines(_ data: [UInt8]) -> [String] {
        var lines: [String] = []
        var start = 0
        var index = 0
        while index + 1 < data.count {
            if data[index] == 0x0D, data[index + 1] == 0x0A {
                lines.append(String(decoding: data[start..<index], as: UTF8.self))
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        if start < data.count { lines.append(String(decoding: data[start...], as: UTF8.self)) }
        return lines
    }

    /// LIST's lines, `1 120` each (further words are extensions and are ignored, RFC 1939 §5).
    static func sizes(_ data: [UInt8]) throws -> [(number: Int, size: Int)] {
        try lines(data).map { line in
            let words = line.split(separator: " ")
            guard words.count >= 2, let number = Int(words[0]), let size = Int(words[1]), number > 0, size >= 0 else {
                throw Malformed(line: line)
            }
            return (number, size)
        }
    }

    /// UIDL's lines, `1 whqtswO00WBw418f9t5JxYwZ` each; a unique-id is 1–70 characters 0x21–0x7E (RFC 1939 §7).
    static func uniqueIDs(_ data: [UInt8]) throws -> [(number: Int, uniqueID: String)] {
        try lines(data).map { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 2, let number = Int(words[0]), number > 0,
                  words[1].utf8.count <= 70, words[1].utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw Malformed(line: line)
            }
            return (number, String(words[1]))
        }
    }
}
