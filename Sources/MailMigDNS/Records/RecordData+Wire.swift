extension RecordData {
    /// Writes the RDATA (without RDLENGTH).
    ///
    /// Names in NS, CNAME, MX and SOA may be compressed (RFC 1035); SRV targets must not be (RFC 2782).
    func encode(into writer: inout WireWriter) {
        switch self {
        case .a(let address): writer.writeBytes(address.bytes)
        case .aaaa(let address): writer.writeBytes(address.bytes)
        case .cname(let name), .ns(let name): writer.writeName(name, compress: true)
        case .mx(let preference, let exchange):
            writer.writeUInt16(preference)
            writer.writeName(exchange, compress: true)
        case .txt(let strings):
            for string in strings {
                let bytes = string.prefix(TXTStrings.maxLength)
                writer.writeUInt8(UInt8(bytes.count))
                writer.writeBytes(Array(bytes))
            }
        case .soa(let soa):
            writer.writeName(soa.primaryServer, compress: true)
            writer.writeName(soa.responsibleMailbox, compress: true)
            for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] { writer.writeUInt32(value) }
        case .srv(let priority, let weight, let port, let target):
            writer.writeUInt16(priority)
            writer.writeUInt16(weight)
            writer.writeUInt16(port)
            writer.writeName(target, compress: false)
        case .caa(let flags, let tag, let value):
            let tagBytes = Array(tag.utf8.prefix(255))
            writer.writeUInt8(flags)
            writer.writeUInt8(UInt8(tagBytes.count))
            writer.writeBytes(tagBytes)
            writer.writeBytes(value)
        case .unknown(_, let data): writer.writeBytes(data)
        }
    }

    /// The RDATA bytes on their own, uncompressed (the form used by RFC 3597 `\#` text).
    var uncompressedBytes: [UInt8] {
        var writer = WireWriter()
        switch self {
        case .cname(let name), .ns(let name): writer.writeName(name, compress: false)
        case .mx(let preference, let exchange):
            writer.writeUInt16(preference)
            writer.writeName(exchange, compress: false)
        case .soa(let soa):
            writer.writeName(soa.primaryServer, compress: false)
            writer.writeName(soa.responsibleMailbox, compress: false)
            for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] { writer.writeUInt32(value) }
        default: encode(into: &writer)
        }
        return writer.bytes
    }

    /// Reads `length` bytes of RDATA of `type` from the reader's position.
    ///
    /// The value must use exactly `length` bytes; an empty RDATA (delete forms in updates) stays raw.
    static func decode(type: RecordType, length: Int, from reader: inout WireReader) throws -> RecordData {
        let start = reader.offset
        guard length <= reader.remaining else { throw reader.failure("RDATA length \(length) exceeds the message") }
        let end = start + length
        if length == 0 { return .unknown(type: type, data: []) }
        let data: RecordData
        switch type {
        case .a:
            guard length == 4, let address = IPv4Address(bytes: try reader.readBytes(4)) else {
                throw reader.failure("A record of \(length) bytes")
            }
            data = .a(address)
        case .aaaa:
            guard length == 16, let address = IPv6Address(bytes: try reader.readBytes(16)) else {
                throw reader.failure("AAAA record of \(length) bytes")
            }
            data = .aaaa(address)
        case .cname: data = .cname(try reader.readName())
        case .ns: data = .ns(try reader.readName())
        case .mx:
            let preference = try reader.readUInt16()
            data = .mx(preference: preference, exchange: try reader.readName())
        case .txt:
            var strings: [[UInt8]] = []
            while reader.offset < end {
                let count = Int(try reader.readUInt8())
                guard reader.offset + count <= end else { throw reader.failure("TXT string runs past its record") }
                strings.append(try reader.readBytes(count))
            }
            data = .txt(strings)
        case .soa:
            let primary = try reader.readName()
            let mailbox = try reader.readName()
            data = .soa(SOAData(primaryServer: primary, responsibleMailbox: mailbox,
                                serial: try reader.readUInt32(), refresh: try reader.readUInt32(),
                                retry: try reader.readUInt32(), expire: try reader.readUInt32(),
                                minimum: try reader.readUInt32()))
        case .srv:
            let priority = try reader.readUInt16()
            let weight = try reader.readUInt16()
            let port = try reader.readUInt16()
            data = .srv(priority: priority, weight: weight, port: port, target: try reader.readName())
        case .caa:
            let flags = try reader.readUInt8()
            let tagLength = Int(try reader.readUInt8())
            guard tagLength > 0, reader.offset + tagLength <= end else { throw reader.failure("CAA tag length") }
            let tag = String(decoding: try reader.readBytes(tagLength), as: UTF8.self)
            guard reader.offset <= end else { throw reader.failure("CAA value") }
            data = .caa(flags: flags, tag: tag, value: try reader.readBytes(end - reader.offset))
        default:
            data = .unknown(type: type, data: try reader.readBytes(length))
        }
        guard reader.offset == end else {
            throw WireFormatError(reason: "\(type) RDATA uses \(reader.offset - start) of its \(length) bytes", offset: start)
        }
        return data
    }
}
