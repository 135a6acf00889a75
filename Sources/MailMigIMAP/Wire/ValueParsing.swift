import MailMigSpool

/// The basic IMAP value grammar (RFC 3501 §9, RFC 3516 literal8) on a `ByteCursor`.
extension ByteCursor {
    static func isAtomByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00...0x20, 0x7F, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"),
             UInt8(ascii: "%"), UInt8(ascii: "*"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"):
            return false
        default:
            return true
        }
    }

    /// A flag, attribute or keyword: anything up to a space, parenthesis or bracket (`\Seen`, `\*`, `$Junk`).
    static func isFlagByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00...0x20, 0x7F, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "\""):
            return false
        default:
            return true
        }
    }

    mutating func atom() throws -> String {
        let value = take(while: Self.isAtomByte)
        guard !value.isEmpty else { throw ParseError("expected an atom at offset \(position - bytes.startIndex)") }
        return String(decoding: value, as: UTF8.self)
    }

    /// An atom that may contain `]` (astring-char), used for mailbox names and capabilities.
    mutating func astringAtom() throws -> String {
        let value = take { Self.isAtomByte($0) || $0 == UInt8(ascii: "]") }
        guard !value.isEmpty else { throw ParseError("expected an atom at offset \(position - bytes.startIndex)") }
        return String(decoding: value, as: UTF8.self)
    }

    mutating func flag() throws -> String {
        let value = take(while: Self.isFlagByte)
        guard !value.isEmpty else { throw ParseError("expected a flag at offset \(position - bytes.startIndex)") }
        return String(decoding: value, as: UTF8.self)
    }

    mutating func number() throws -> UInt64 {
        let digits = take { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty, digits.count <= 20 else {
            throw ParseError("expected a number at offset \(position - bytes.startIndex)")
        }
        var value: UInt64 = 0
        for digit in digits {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw ParseError("number too large") }
            value = sum
        }
        return value
    }

    mutating func number32() throws -> UInt32 {
        let value = try number()
        guard let narrow = UInt32(exactly: value) else { throw ParseError("number \(value) out of range") }
        return narrow
    }

    mutating func int() throws -> Int {
        let value = try number()
        guard let narrow = Int(exactly: value) else { throw ParseError("number \(value) out of range") }
        return narrow
    }

    /// Whether the next bytes spell `word` (case-insensitive) followed by a non-atom byte.
    func lookingAt(_ word: String) -> Bool {
        let expected = Array(word.utf8)
        for (offset, byte) in expected.enumerated() {
            guard let actual = peek(offset: offset), actual | 0x20 == byte | 0x20 || actual == byte else { return false }
        }
        guard let next = peek(offset: expected.count) else { return true }
        return !Self.isAtomByte(next)
    }

    mutating func acceptNIL() -> Bool {
        guard lookingAt("NIL") else { return false }
        advance(3)
        return true
    }

    /// A quoted string, literal or literal8, as raw bytes.
    mutating func stringBytes() throws -> [UInt8] {
        switch peek() {
        case UInt8(ascii: "\""):
            return try quotedBytes()
        case UInt8(ascii: "{"), UInt8(ascii: "~"):
            return try literalBytes()
        default:
            throw ParseError("expected a string at offset \(position - bytes.startIndex)")
        }
    }

    mutating func quotedBytes() throws -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard let byte = peek(), byte != 0x0D, byte != 0x0A else { throw ParseError("unterminated quoted string") }
            advance()
            if byte == UInt8(ascii: "\"") { return out }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = peek() else { throw ParseError("unterminated quoted string") }
                advance()
                out.append(escaped)
            } else {
                out.append(byte)
            }
        }
    }

    /// `{n}CRLF` or `~{n}CRLF` followed by n bytes; the length is checked against what is there. A
    /// literal the framer left out reads as empty (`omittedLiteral()` tells its length); one it spooled
    /// is read back from its file (where a whole message is wanted, `spooledLiteral()` avoids that).
    mutating func literalBytes() throws -> [UInt8] {
        let length = try literalAnnouncement()
        if omittedLiterals[position - bytes.startIndex] == length { return [] }
        if let file = spooledLiterals[position - bytes.startIndex], file.count == length {
            return try file.read(from: 0, count: length)
        }
        return try takeBytes(length)
    }

    /// The spool file of a literal here that the framer wrote to one, consuming its announcement; nil
    /// (and nothing consumed) for anything else.
    mutating func spooledLiteral() -> SpoolFile? {
        guard !spooledLiterals.isEmpty else { return nil }
        var probe = self
        guard let length = try? probe.literalAnnouncement(),
              let file = spooledLiterals[probe.position - bytes.startIndex], file.count == length else { return nil }
        self = probe
        return file
    }

    /// `{n}CRLF`, `{n+}CRLF` or `~{n}CRLF`: the length announced.
    private mutating func literalAnnouncement() throws -> Int {
        _ = accept(UInt8(ascii: "~"))
        try expect(UInt8(ascii: "{"))
        let length = try int()
        _ = accept(UInt8(ascii: "+"))
        try expect(UInt8(ascii: "}"))
        _ = accept(0x0D)
        try expect(0x0A)
        return length
    }

    /// The announced length of a literal here that the framer left out for exceeding the body limit,
    /// consuming its announcement; nil (and nothing consumed) for anything else.
    mutating func omittedLiteral() -> Int? {
        guard !omittedLiterals.isEmpty else { return nil }
        var probe = self
        guard let length = try? probe.literalAnnouncement(),
              omittedLiterals[probe.position - bytes.startIndex] == length else { return nil }
        self = probe
        return length
    }

    mutating func string() throws -> String {
        String(decoding: try stringBytes(), as: UTF8.self)
    }

    mutating func nstringBytes() throws -> [UInt8]? {
        if acceptNIL() { return nil }
        return try stringBytes()
    }

    mutating func astring() throws -> String {
        switch peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "{"): return try string()
        case UInt8(ascii: "~") where peek(offset: 1) == UInt8(ascii: "{"): return try string()
        default: return try astringAtom()
        }
    }

    mutating func nstring() throws -> String? {
        if acceptNIL() { return nil }
        return try string()
    }

    /// `( item SP item ... )` where `element` reads one item; tolerates extra spaces.
    mutating func list<T>(_ element: (inout ByteCursor) throws -> T) throws -> [T] {
        try expect(UInt8(ascii: "("))
        var items: [T] = []
        skipSpaces()
        while peek() != UInt8(ascii: ")") {
            guard !isAtEnd else { throw ParseError("unterminated list") }
            items.append(try element(&self))
            skipSpaces()
        }
        advance()
        return items
    }

    /// Skips any value (atom, number, string, literal, NIL, nested list, bracketed section) to keep going
    /// past items this client does not interpret. Depth is bounded so hostile nesting cannot exhaust the stack.
    mutating func skipValue(depth: Int = 0) throws {
        guard depth < 100 else { throw ParseError("nesting too deep") }
        switch peek() {
        case UInt8(ascii: "("):
            advance()
            skipSpaces()
            while peek() != UInt8(ascii: ")") {
                guard !isAtEnd else { throw ParseError("unterminated list") }
                try skipValue(depth: depth + 1)
                skipSpaces()
            }
            advance()
        case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "~"):
            _ = try stringBytes()
        case .some:
            let start = position
            while let byte = peek(), !isAtLineEnd, byte != 0x20, byte != UInt8(ascii: ")") {
                if byte == UInt8(ascii: "[") {
                    try skipBracketed()
                } else if byte == UInt8(ascii: "(") {
                    try skipValue(depth: depth + 1)
                } else {
                    advance()
                }
            }
            if position == start { throw ParseError("unexpected byte at offset \(position - bytes.startIndex)") }
        case .none:
            throw ParseError("value expected at end of response")
        }
    }

    /// Skips `[ ... ]` with nested brackets, returning the text inside.
    @discardableResult
    mutating func skipBracketed() throws -> String {
        try expect(UInt8(ascii: "["))
        let start = position
        var depth = 1
        while depth > 0 {
            guard let byte = peek(), !isAtLineEnd else { throw ParseError("unterminated '['") }
            if byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: "]") { depth -= 1 }
            if byte == UInt8(ascii: "\"") {
                _ = try quotedBytes()
                continue
            }
            advance()
        }
        return text(from: start, to: position - 1)
    }

    /// A sequence set such as `1:3,5,9:*`.
    mutating func sequenceSet() throws -> UIDSet {
        var ranges: [UIDSet.Range] = []
        repeat {
            let lower: UInt32? = accept(UInt8(ascii: "*")) ? nil : try number32()
            var upper: UInt32? = lower
            var open = lower == nil
            if accept(UInt8(ascii: ":")) {
                if accept(UInt8(ascii: "*")) { upper = nil; open = true } else { upper = try number32(); open = false }
            }
            switch (lower, upper) {
            case let (low?, high?): ranges.append(UIDSet.Range(min(low, high), max(low, high)))
            case let (low?, nil): ranges.append(UIDSet.Range(low, open ? nil : low))
            case let (nil, high?): ranges.append(UIDSet.Range(high, nil))
            case (nil, nil): ranges.append(UIDSet.Range(UInt32.max, nil))
            }
        } while accept(UInt8(ascii: ","))
        return UIDSet(ranges: ranges)
    }

    /// A delimiter: a quoted single character or NIL.
    mutating func delimiter() throws -> Character? {
        if acceptNIL() { return nil }
        let text = try string()
        guard let first = text.first, text.count == 1 else {
            if text.isEmpty { return nil }
            throw ParseError("delimiter must be one character")
        }
        return first
    }
}
