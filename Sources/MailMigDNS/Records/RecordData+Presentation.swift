extension RecordData {
    /// Parses a value of `type` from presentation format.
    ///
    /// TXT accepts either one or more quoted strings (`"a" "b"`) or bare text, which becomes one
    /// string split every 255 bytes. Any type accepts the RFC 3597 form `\# LENGTH HEX`.
    /// Throws `DNSParseError` saying what the type expects.
    public init(type: RecordType, presentation text: String) throws {
        let failure = DNSParseError(input: text, subject: "\(type) value", expected: Self.expectedForm(of: type))
        guard let tokens = PresentationToken.tokenize(text) else { throw failure }
        if let first = tokens.first, !first.isQuoted, first.text == "\\#" {
            self = try Self.parseGeneric(type: type, tokens: Array(tokens.dropFirst()), failure: failure)
            return
        }
        let words = tokens.map(\.text)
        func name(_ index: Int) throws -> DNSName {
            guard index < tokens.count, !tokens[index].isQuoted else { throw failure }
            do { return try DNSName(words[index]) } catch { throw failure }
        }
        func number<T: FixedWidthInteger>(_ index: Int, as: T.Type) throws -> T {
            guard index < tokens.count, !tokens[index].isQuoted, let value = T(words[index]) else { throw failure }
            return value
        }
        func requireCount(_ count: Int) throws {
            guard tokens.count == count else { throw failure }
        }
        switch type {
        case .a:
            try requireCount(1)
            guard let address = IPv4Address(words[0]) else { throw failure }
            self = .a(address)
        case .aaaa:
            try requireCount(1)
            guard let address = IPv6Address(words[0]) else { throw failure }
            self = .aaaa(address)
        case .cname:
            try requireCount(1)
            self = .cname(try name(0))
        case .ns:
            try requireCount(1)
            self = .ns(try name(0))
        case .mx:
            try requireCount(2)
            self = .mx(preference: try number(0, as: UInt16.self), exchange: try name(1))
        case .txt:
            self = try Self.parseTXT(text, tokens: tokens, failure: failure)
        case .soa:
            try requireCount(7)
            self = .soa(SOAData(primaryServer: try name(0), responsibleMailbox: try name(1),
                                serial: try number(2, as: UInt32.self), refresh: try number(3, as: UInt32.self),
                                retry: try number(4, as: UInt32.self), expire: try number(5, as: UInt32.self),
                                minimum: try number(6, as: UInt32.self)))
        case .srv:
            try requireCount(4)
            self = .srv(priority: try number(0, as: UInt16.self), weight: try number(1, as: UInt16.self),
                        port: try number(2, as: UInt16.self), target: try name(3))
        case .caa:
            try requireCount(3)
            let tag = words[1]
            guard !tokens[1].isQuoted, !tag.isEmpty, tag.utf8.count <= 255,
                  tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
                  let value = tokens[2].unescaped
            else { throw failure }
            self = .caa(flags: try number(0, as: UInt8.self), tag: tag, value: value)
        default:
            throw DNSParseError(input: text, subject: "\(type) value", expected: Self.expectedForm(of: type))
        }
    }

    private static func parseTXT(_ text: String, tokens: [PresentationToken], failure: DNSParseError) throws -> RecordData {
        let trimmed = text.drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.hasPrefix("\"") else { return .txt(text) }
        var strings: [[UInt8]] = []
        for token in tokens {
            guard let bytes = token.unescaped else { throw failure }
            strings.append(contentsOf: TXTStrings.split(bytes))
        }
        return .txt(strings)
    }

    private static func parseGeneric(type: RecordType, tokens: [PresentationToken], failure: DNSParseError) throws -> RecordData {
        guard let lengthToken = tokens.first, let length = Int(lengthToken.text), length >= 0 else { throw failure }
        let hex = tokens.dropFirst().map(\.text).joined()
        guard hex.count == length * 2, let bytes = Self.bytes(fromHex: hex) else { throw failure }
        var reader = WireReader(bytes)
        do {
            return try decode(type: type, length: bytes.count, from: &reader)
        } catch {
            throw failure
        }
    }

    private static func bytes(fromHex hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func expectedForm(of type: RecordType) -> String {
        switch type {
        case .a: "an IPv4 address like \"192.0.2.1\""
        case .aaaa: "an IPv6 address like \"2001:db8::1\""
        case .cname: "one host name like \"autodiscover.example.com.\""
        case .ns: "one name server host name like \"ns1.example.com.\""
        case .mx: "a preference and a mail server, like \"10 mx.example.com.\""
        case .txt: "text, or quoted strings like \"\\\"part one\\\" \\\"part two\\\"\""
        case .soa: "\"PRIMARY MAILBOX SERIAL REFRESH RETRY EXPIRE MINIMUM\" with names and numbers"
        case .srv: "\"PRIORITY WEIGHT PORT TARGET\", like \"0 5 443 mail.example.com.\""
        case .caa: "\"FLAGS TAG VALUE\", like \"0 issue \\\"ca.example.net\\\"\""
        default: "RFC 3597 generic data like \"\\# 4 c0000201\""
        }
    }

    /// Presentation format, as `dig` prints it (TXT and CAA values quoted).
    public var description: String {
        switch self {
        case .a(let address): address.description
        case .aaaa(let address): address.description
        case .cname(let name), .ns(let name): name.description
        case .mx(let preference, let exchange): "\(preference) \(exchange)"
        case .txt(let strings): strings.map { "\"" + PresentationEscapes.escapeQuoted($0) + "\"" }.joined(separator: " ")
        case .soa(let soa):
            "\(soa.primaryServer) \(soa.responsibleMailbox) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case .srv(let priority, let weight, let port, let target): "\(priority) \(weight) \(port) \(target)"
        case .caa(let flags, let tag, let value): "\(flags) \(tag) \"\(PresentationEscapes.escapeQuoted(value))\""
        case .unknown(_, let data):
            data.isEmpty ? "\\# 0" : "\\# \(data.count) " + data.map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
        }
    }
}
