extension DNSMessage {
    /// The message bytes, names compressed; a TSIG record is not written here (signing adds it).
    func encode() -> [UInt8] {
        var writer = WireWriter()
        writer.writeUInt16(id)
        var flags: UInt16 = 0
        if isResponse { flags |= 0x8000 }
        flags |= UInt16(opcode.rawValue & 0x0F) << 11
        if isAuthoritative { flags |= 0x0400 }
        if isTruncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        if recursionAvailable { flags |= 0x0080 }
        if authenticData { flags |= 0x0020 }
        if checkingDisabled { flags |= 0x0010 }
        flags |= rcode.rawValue & 0x000F
        writer.writeUInt16(flags)
        writer.writeUInt16(UInt16(clamping: questions.count))
        writer.writeUInt16(UInt16(clamping: answers.count))
        writer.writeUInt16(UInt16(clamping: authorities.count))
        writer.writeUInt16(UInt16(clamping: additionals.count + (edns == nil ? 0 : 1)))
        for question in questions {
            writer.writeName(question.name, compress: true)
            writer.writeUInt16(question.type.rawValue)
            writer.writeUInt16(question.questionClass)
        }
        for record in answers + authorities + additionals { record.encode(into: &writer) }
        if let edns { encodeOPT(edns, into: &writer) }
        return writer.bytes
    }

    private func encodeOPT(_ edns: EDNS, into writer: inout WireWriter) {
        writer.writeUInt8(0)
        writer.writeUInt16(RecordType.opt.rawValue)
        writer.writeUInt16(edns.udpPayloadSize)
        writer.writeUInt8(UInt8(truncatingIfNeeded: rcode.rawValue >> 4))
        writer.writeUInt8(edns.version)
        writer.writeUInt16(edns.dnssecOK ? 0x8000 : 0)
        var options = WireWriter()
        for option in edns.options {
            options.writeUInt16(option.code)
            options.writeUInt16(UInt16(clamping: option.data.count))
            options.writeBytes(option.data)
        }
        writer.writeUInt16(UInt16(clamping: options.count))
        writer.writeBytes(options.bytes)
    }

    /// Decodes a complete message; any structural problem throws `WireFormatError`.
    ///
    /// An OPT record becomes `edns`; a TSIG record, which must be the last record, becomes `tsig`.
    /// Bytes after the last record are rejected.
    static func decode(_ bytes: [UInt8]) throws -> DNSMessage {
        var reader = WireReader(bytes)
        var message = DNSMessage()
        message.id = try reader.readUInt16("message ID")
        let flags = try reader.readUInt16("header flags")
        message.isResponse = flags & 0x8000 != 0
        let opcodeValue = UInt8((flags >> 11) & 0x0F)
        guard let opcode = Opcode(rawValue: opcodeValue) else {
            throw WireFormatError(reason: "unsupported opcode \(opcodeValue)", offset: 2)
        }
        message.opcode = opcode
        message.isAuthoritative = flags & 0x0400 != 0
        message.isTruncated = flags & 0x0200 != 0
        message.recursionDesired = flags & 0x0100 != 0
        message.recursionAvailable = flags & 0x0080 != 0
        message.authenticData = flags & 0x0020 != 0
        message.checkingDisabled = flags & 0x0010 != 0
        var rcode = flags & 0x000F
        let questionCount = Int(try reader.readUInt16("QDCOUNT"))
        let answerCount = Int(try reader.readUInt16("ANCOUNT"))
        let authorityCount = Int(try reader.readUInt16("NSCOUNT"))
        let additionalCount = Int(try reader.readUInt16("ARCOUNT"))
        for _ in 0..<questionCount {
            let name = try reader.readName()
            let type = RecordType(rawValue: try reader.readUInt16("question type"))
            message.questions.append(Question(name: name, type: type, questionClass: try reader.readUInt16("question class")))
        }
        for _ in 0..<answerCount { message.answers.append(try ResourceRecord.decode(from: &reader)) }
        for _ in 0..<authorityCount { message.authorities.append(try ResourceRecord.decode(from: &reader)) }
        for index in 0..<additionalCount {
            let start = reader.offset
            let header = try ResourceRecord.decodeHeader(from: &reader)
            switch header.type {
            case .opt:
                guard message.edns == nil, header.name == .root else {
                    throw WireFormatError(reason: "misplaced or repeated OPT record", offset: start)
                }
                rcode |= UInt16(header.ttl >> 24) << 4
                message.edns = try decodeOPT(header: header, from: &reader)
            case .tsig:
                guard index == additionalCount - 1 else {
                    throw WireFormatError(reason: "TSIG record is not the last record", offset: start)
                }
                message.tsig = try decodeTSIG(keyName: header.name, length: header.length, from: &reader)
                message.tsigOffset = start
            default:
                let data = try RecordData.decode(type: header.type, length: header.length, from: &reader)
                message.additionals.append(ResourceRecord(name: header.name, type: header.type, recordClass: header.recordClass,
                                                          ttl: header.ttl, data: data))
            }
        }
        guard reader.isAtEnd else { throw reader.failure("\(reader.remaining) unexpected bytes after the last record") }
        message.rcode = ResponseCode(rawValue: rcode)
        return message
    }

    private static func decodeOPT(header: (name: DNSName, type: RecordType, recordClass: UInt16, ttl: UInt32, length: Int),
                                  from reader: inout WireReader) throws -> EDNS {
        var edns = EDNS(udpPayloadSize: header.recordClass, version: UInt8((header.ttl >> 16) & 0xFF),
                        dnssecOK: header.ttl & 0x8000 != 0)
        let end = reader.offset + header.length
        while reader.offset < end {
            let code = try reader.readUInt16("EDNS option code")
            let length = Int(try reader.readUInt16("EDNS option length"))
            guard reader.offset + length <= end else { throw reader.failure("EDNS option runs past the OPT record") }
            edns.options.append(EDNSOption(code: code, data: try reader.readBytes(length)))
        }
        return edns
    }

    private static func decodeTSIG(keyName: DNSName, length: Int, from reader: inout WireReader) throws -> TSIGRecord {
        let end = reader.offset + length
        let algorithm = try reader.readName()
        let timeSigned = try reader.readUInt48("TSIG time")
        let fudge = try reader.readUInt16("TSIG fudge")
        let macLength = Int(try reader.readUInt16("TSIG MAC size"))
        guard reader.offset + macLength <= end else { throw reader.failure("TSIG MAC runs past its record") }
        let mac = try reader.readBytes(macLength)
        let originalID = try reader.readUInt16("TSIG original ID")
        let error = ResponseCode(rawValue: try reader.readUInt16("TSIG error"))
        let otherLength = Int(try reader.readUInt16("TSIG other length"))
        guard reader.offset + otherLength == end else { throw reader.failure("TSIG record length does not match its fields") }
        let other = try reader.readBytes(otherLength)
        return TSIGRecord(keyName: keyName, algorithm: algorithm, timeSigned: timeSigned, fudge: fudge, mac: mac,
                          originalID: originalID, error: error, otherData: other)
    }
}
