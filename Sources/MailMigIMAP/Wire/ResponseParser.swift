import NIOCore

/// Turns one framed response (a line plus any literals, ending in CRLF) into an `IMAPResponse`.
///
/// It never throws: anything it cannot read becomes `.unparsable`, so one odd line from a server does
/// not bring down a migration.
enum ResponseParser {
    static func parse(_ frame: ByteBuffer) -> IMAPResponse {
        parse(ResponseFrame(bytes: frame))
    }

    /// Parses a frame whose oversized literals the framer left out (see `ResponseFrame`).
    static func parse(_ frame: ResponseFrame) -> IMAPResponse {
        var cursor = ByteCursor(frame.bytes, omittedLiterals: frame.omittedLiterals, spooledLiterals: frame.spooledLiterals)
        do {
            return try parseResponse(&cursor)
        } catch let error as ParseError {
            return .unparsable(text: summary(of: frame.bytes), reason: error.reason)
        } catch {
            return .unparsable(text: summary(of: frame.bytes), reason: "\(error)")
        }
    }

    /// The first line of a frame, shortened, for error messages (never a whole message body).
    static func summary(of frame: ByteBuffer) -> String {
        let view = frame.readableBytesView
        let end = view.firstIndex(of: 0x0A) ?? view.endIndex
        let line = view[view.startIndex..<min(end, view.startIndex + 200)]
        return String(decoding: line, as: UTF8.self).trimmingCharacters(in: ["\r", "\n"])
    }

    private static func parseResponse(_ cursor: inout ByteCursor) throws -> IMAPResponse {
        if cursor.accept(UInt8(ascii: "+")) {
            cursor.skipSpaces()
            return .continuation(cursor.restOfLine())
        }
        if cursor.accept(UInt8(ascii: "*")) {
            try cursor.space()
            return .untagged(try parseUntagged(&cursor))
        }
        let tag = String(decoding: cursor.take { ByteCursor.isAtomByte($0) && $0 != UInt8(ascii: "+") }, as: UTF8.self)
        guard !tag.isEmpty else { throw ParseError("response starts with neither '*', '+' nor a tag") }
        try cursor.space()
        let line = try parseStatusLine(&cursor)
        return .tagged(tag: tag, line)
    }

    static func parseStatusLine(_ cursor: inout ByteCursor) throws -> StatusResponseLine {
        let word = try cursor.atom().uppercased()
        guard let status = ResponseStatus(rawValue: word) else { throw ParseError("unknown status '\(word)'") }
        return try parseResponseText(&cursor, status: status)
    }

    static func parseResponseText(_ cursor: inout ByteCursor, status: ResponseStatus) throws -> StatusResponseLine {
        cursor.skipSpaces()
        var code: ResponseCode?
        if cursor.peek() == UInt8(ascii: "[") {
            code = ResponseCodeParser.parse(try cursor.skipBracketed())
            cursor.skipSpaces()
        }
        return StatusResponseLine(status: status, code: code, text: cursor.restOfLine())
    }

    private static func parseUntagged(_ cursor: inout ByteCursor) throws -> UntaggedResponse {
        if let first = cursor.peek(), first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") {
            let number = try cursor.number()
            try cursor.space()
            let keyword = try cursor.atom().uppercased()
            switch keyword {
            case "EXISTS": return .exists(Int(clamping: number))
            case "RECENT": return .recent(Int(clamping: number))
            case "EXPUNGE": return .expunge(UInt32(clamping: number))
            case "FETCH":
                try cursor.space()
                return .fetch(try FetchParser.parse(&cursor, sequenceNumber: UInt32(clamping: number)))
            default:
                cursor.skipSpaces()
                return .other(keyword: keyword, text: "\(number) " + cursor.restOfLine())
            }
        }
        let keyword = try cursor.astringAtom().uppercased()
        switch keyword {
        case "OK", "NO", "BAD", "PREAUTH", "BYE":
            guard let status = ResponseStatus(rawValue: keyword) else { throw ParseError("unknown status") }
            return .condition(try parseResponseText(&cursor, status: status))
        case "CAPABILITY":
            return .capability(words(&cursor))
        case "ENABLED":
            return .enabled(words(&cursor))
        case "FLAGS":
            try cursor.space()
            return .flags(try cursor.list { try $0.flag() })
        case "LIST", "XLIST":
            try cursor.space()
            return .list(try parseList(&cursor))
        case "LSUB":
            try cursor.space()
            return .lsub(try parseList(&cursor))
        case "STATUS":
            try cursor.space()
            return .status(try parseStatus(&cursor))
        case "SEARCH":
            return try parseSearch(&cursor)
        case "ESEARCH":
            return .esearch(try parseESearch(&cursor))
        case "NAMESPACE":
            try cursor.space()
            return .namespace(try parseNamespace(&cursor))
        case "VANISHED":
            try cursor.space()
            var earlier = false
            if cursor.peek() == UInt8(ascii: "(") {
                earlier = try cursor.list { try $0.atom() }.contains { $0.uppercased() == "EARLIER" }
                try cursor.space()
            }
            return .vanished(earlier: earlier, try cursor.sequenceSet())
        default:
            cursor.skipSpaces()
            return .other(keyword: keyword, text: cursor.restOfLine())
        }
    }

    private static func words(_ cursor: inout ByteCursor) -> [String] {
        cursor.skipSpaces()
        return cursor.restOfLine().split(separator: " ").map(String.init)
    }

    private static func parseList(_ cursor: inout ByteCursor) throws -> ListResponse {
        let attributes = try cursor.list { try $0.flag() }
        try cursor.space()
        let delimiter = try cursor.delimiter()
        try cursor.space()
        let name = try cursor.astring()
        var extended: [String: String] = [:]
        cursor.skipSpaces()
        if cursor.peek() == UInt8(ascii: "(") {
            // LIST-EXTENDED: (tag value tag value ...), kept raw.
            cursor.advance()
            cursor.skipSpaces()
            while cursor.peek() != UInt8(ascii: ")"), !cursor.isAtEnd {
                let tag = try cursor.astring().uppercased()
                try cursor.space()
                let start = cursor.position
                try cursor.skipValue()
                extended[tag] = cursor.text(from: start, to: cursor.position)
                cursor.skipSpaces()
            }
            _ = cursor.accept(UInt8(ascii: ")"))
        }
        return ListResponse(attributes: attributes, delimiter: delimiter, rawName: name, extended: extended)
    }

    private static func parseStatus(_ cursor: inout ByteCursor) throws -> StatusResponse {
        let name = try cursor.astring()
        cursor.skipSpaces()
        var status = MailboxStatus()
        try cursor.expect(UInt8(ascii: "("))
        cursor.skipSpaces()
        while cursor.peek() != UInt8(ascii: ")") {
            guard !cursor.isAtEnd else { throw ParseError("unterminated STATUS list") }
            let item = try cursor.atom().uppercased()
            try cursor.space()
            let value = try cursor.number()
            switch item {
            case "MESSAGES": status.messages = Int(clamping: value)
            case "RECENT": status.recent = Int(clamping: value)
            case "UIDNEXT": status.uidNext = UInt32(clamping: value)
            case "UIDVALIDITY": status.uidValidity = UInt32(clamping: value)
            case "UNSEEN": status.unseen = Int(clamping: value)
            case "HIGHESTMODSEQ": status.highestModSeq = value
            case "SIZE": status.size = value
            default: break
            }
            cursor.skipSpaces()
        }
        cursor.advance()
        return StatusResponse(rawName: name, status: status)
    }

    private static func parseSearch(_ cursor: inout ByteCursor) throws -> UntaggedResponse {
        var numbers: [UInt32] = []
        var modSeq: UInt64?
        cursor.skipSpaces()
        while !cursor.isAtEnd {
            if cursor.peek() == UInt8(ascii: "(") {
                cursor.advance()
                guard try cursor.atom().uppercased() == "MODSEQ" else { throw ParseError("unknown SEARCH data") }
                try cursor.space()
                modSeq = try cursor.number()
                try cursor.expect(UInt8(ascii: ")"))
            } else {
                numbers.append(try cursor.number32())
            }
            cursor.skipSpaces()
        }
        return .search(numbers, modSeq: modSeq)
    }

    private static func parseESearch(_ cursor: inout ByteCursor) throws -> ESearchResponse {
        var result = ESearchResponse(tag: nil, isUID: false)
        cursor.skipSpaces()
        if cursor.peek() == UInt8(ascii: "(") {
            cursor.advance()
            guard try cursor.atom().uppercased() == "TAG" else { throw ParseError("ESEARCH correlator without TAG") }
            try cursor.space()
            result.tag = try cursor.string()
            try cursor.expect(UInt8(ascii: ")"))
            cursor.skipSpaces()
        }
        while !cursor.isAtEnd {
            let name = try cursor.atom().uppercased()
            if name == "UID" {
                result.isUID = true
                cursor.skipSpaces()
                continue
            }
            try cursor.space()
            switch name {
            case "ALL": result.all = try cursor.sequenceSet()
            case "MIN": result.min = try cursor.number32()
            case "MAX": result.max = try cursor.number32()
            case "COUNT": result.count = try cursor.int()
            case "MODSEQ": result.modSeq = try cursor.number()
            default: try cursor.skipValue()
            }
            cursor.skipSpaces()
        }
        return result
    }

    private static func parseNamespace(_ cursor: inout ByteCursor) throws -> NamespaceResponse {
        func group(_ cursor: inout ByteCursor) throws -> [Namespace] {
            if cursor.acceptNIL() { return [] }
            return try cursor.list { inner in
                try inner.expect(UInt8(ascii: "("))
                let prefix = try inner.string()
                try inner.space()
                let delimiter = try inner.delimiter()
                inner.skipSpaces()
                while inner.peek() != UInt8(ascii: ")") {
                    guard !inner.isAtEnd else { throw ParseError("unterminated namespace") }
                    try inner.skipValue()
                    inner.skipSpaces()
                }
                inner.advance()
                return Namespace(prefix: prefix, delimiter: delimiter)
            }
        }
        let personal = try group(&cursor)
        try cursor.space()
        let other = try group(&cursor)
        try cursor.space()
        let shared = try group(&cursor)
        return NamespaceResponse(personal: personal, otherUsers: other, shared: shared)
    }
}
