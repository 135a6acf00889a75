/// Reads the parenthesised item list of a `FETCH` response.
enum FetchParser {
    static func parse(_ cursor: inout ByteCursor, sequenceNumber: UInt32) throws -> FetchResponse {
        var response = FetchResponse(sequenceNumber: sequenceNumber)
        try cursor.expect(UInt8(ascii: "("))
        cursor.skipSpaces()
        while cursor.peek() != UInt8(ascii: ")") {
            guard !cursor.isAtEnd else { throw ParseError("unterminated FETCH item list") }
            try parseItem(&cursor, into: &response)
            cursor.skipSpaces()
        }
        cursor.advance()
        return response
    }

    private static func parseItem(_ cursor: inout ByteCursor, into response: inout FetchResponse) throws {
        let name = String(decoding: cursor.take { ByteCursor.isAtomByte($0) && $0 != UInt8(ascii: "[") }, as: UTF8.self)
            .uppercased()
        guard !name.isEmpty else { throw ParseError("expected a FETCH item name") }
        switch name {
        case "BODY", "BINARY", "BODY.PEEK", "BINARY.PEEK":
            if cursor.peek() == UInt8(ascii: "[") {
                let section = try cursor.skipBracketed().uppercased()
                if cursor.accept(UInt8(ascii: "<")) {
                    _ = try cursor.number()
                    try cursor.expect(UInt8(ascii: ">"))
                }
                try cursor.space()
                let key = name.hasPrefix("BINARY") ? "BINARY:" + section : section
                try readSection(&cursor, key: key, into: &response)
            } else {
                // BODY without a section is the body structure: not interpreted, kept raw.
                try skipRaw(&cursor, name: name, into: &response)
            }
            return
        case "BINARY.SIZE":
            let section = try cursor.peek() == UInt8(ascii: "[") ? cursor.skipBracketed() : ""
            try cursor.space()
            response.otherItems["BINARY.SIZE[\(section)]"] = String(try cursor.number())
            return
        default:
            break
        }
        try cursor.space()
        switch name {
        case "UID":
            response.uid = try cursor.number32()
        case "FLAGS":
            response.flags = try cursor.list { try $0.flag() }
        case "INTERNALDATE":
            let text = try cursor.string()
            guard let date = InternalDate(text) else { throw ParseError("bad INTERNALDATE \"\(text)\"") }
            response.internalDate = date
        case "RFC822.SIZE":
            response.size = try cursor.int()
        case "MODSEQ":
            let values = try cursor.list { try $0.number() }
            guard let value = values.first else { throw ParseError("empty MODSEQ") }
            response.modSeq = value
        case "X-GM-MSGID":
            response.gmailMessageID = try cursor.number()
        case "X-GM-THRID":
            response.gmailThreadID = try cursor.number()
        case "X-GM-LABELS":
            // System labels are backslash atoms; user labels astrings in modified UTF-7.
            response.gmailLabels = try cursor.list { item in
                if item.peek() == UInt8(ascii: "\\") { return try item.flag() }
                let wire = try item.astring()
                return ModifiedUTF7.decode(wire) ?? wire
            }
        case "RFC822":
            try readSection(&cursor, key: "", into: &response)
        case "RFC822.HEADER":
            try readSection(&cursor, key: "HEADER", into: &response)
        case "RFC822.TEXT":
            try readSection(&cursor, key: "TEXT", into: &response)
        default:
            let start = cursor.position
            try cursor.skipValue()
            response.otherItems[name] = cursor.text(from: start, to: cursor.position)
        }
    }

    /// A section's bytes; for a literal the framer left out, its announced length; for one it spooled, its file.
    private static func readSection(_ cursor: inout ByteCursor, key: String, into response: inout FetchResponse) throws {
        if let announced = cursor.omittedLiteral() {
            response.omittedSections[key] = announced
        } else if let file = cursor.spooledLiteral() {
            response.spooledSections[key] = file
        } else {
            response.sections[key] = try cursor.nstringBytes() ?? []
        }
    }

    private static func skipRaw(_ cursor: inout ByteCursor, name: String, into response: inout FetchResponse) throws {
        try cursor.space()
        let start = cursor.position
        try cursor.skipValue()
        response.otherItems[name] = cursor.text(from: start, to: cursor.position)
    }
}
