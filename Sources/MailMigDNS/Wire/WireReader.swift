/// A bounds-checked cursor over the bytes of one DNS message.
///
/// Every read checks the remaining length first and throws `WireFormatError` instead of trapping,
/// because the bytes come from the network.
struct WireReader {
    /// The whole message; compression pointers refer to offsets in it.
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes left after `offset`.
    var remaining: Int { bytes.count - offset }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset >= bytes.count }

    func failure(_ reason: String) -> WireFormatError {
        WireFormatError(reason: reason, offset: offset)
    }

    private func requireAvailable(_ count: Int, _ what: String) throws {
        guard count >= 0, count <= remaining else {
            throw failure("\(what) needs \(count) bytes but only \(max(remaining, 0)) remain")
        }
    }

    mutating func readUInt8(_ what: String = "byte") throws -> UInt8 {
        try requireAvailable(1, what)
        let value = bytes[offset]
        offset += 1
        return value
    }

    mutating func readUInt16(_ what: String = "16-bit field") throws -> UInt16 {
        try requireAvailable(2, what)
        let value = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
        offset += 2
        return value
    }

    mutating func readUInt32(_ what: String = "32-bit field") throws -> UInt32 {
        try requireAvailable(4, what)
        var value: UInt32 = 0
        for index in offset..<offset + 4 { value = value << 8 | UInt32(bytes[index]) }
        offset += 4
        return value
    }

    /// A 48-bit unsigned integer, as used by the TSIG time field.
    mutating func readUInt48(_ what: String = "48-bit field") throws -> UInt64 {
        try requireAvailable(6, what)
        var value: UInt64 = 0
        for index in offset..<offset + 6 { value = value << 8 | UInt64(bytes[index]) }
        offset += 6
        return value
    }

    mutating func readBytes(_ count: Int, _ what: String = "data") throws -> [UInt8] {
        try requireAvailable(count, what)
        let value = Array(bytes[offset..<offset + count])
        offset += count
        return value
    }

    /// Reads a domain name, following compression pointers.
    ///
    /// Each pointer must point strictly before the previous jump target, so positions only
    /// decrease and a pointer loop is impossible; the name's uncompressed length is capped at 255.
    mutating func readName() throws -> DNSName {
        var labels: [[UInt8]] = []
        var wireLength = 1
        var position = offset
        var limit = offset
        var resumeOffset: Int?
        while true {
            guard position < bytes.count else {
                throw WireFormatError(reason: "name runs past the end of the message", offset: position)
            }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    offset = resumeOffset ?? position + 1
                    return DNSName(uncheckedLabels: labels)
                }
                guard position + 1 + length <= bytes.count else {
                    throw WireFormatError(reason: "label runs past the end of the message", offset: position)
                }
                wireLength += length + 1
                guard wireLength <= DNSName.maxWireLength else {
                    throw WireFormatError(reason: "name longer than 255 bytes", offset: position)
                }
                labels.append(Array(bytes[position + 1..<position + 1 + length]))
                position += 1 + length
            case 0xC0:
                guard position + 1 < bytes.count else {
                    throw WireFormatError(reason: "compression pointer cut short", offset: position)
                }
                let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < limit else {
                    throw WireFormatError(reason: "compression pointer does not point backwards (loop)", offset: position)
                }
                if resumeOffset == nil { resumeOffset = position + 2 }
                limit = target
                position = target
            default:
                throw WireFormatError(reason: "unsupported label type 0x\(String(length & 0xC0, radix: 16))", offset: position)
            }
        }
    }
}
