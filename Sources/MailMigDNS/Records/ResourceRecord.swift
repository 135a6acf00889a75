/// One resource record as it appears in a message section.
///
/// `type` and `recordClass` are stored apart from `data` because update messages use class ANY or
/// NONE and an empty RDATA to express deletions and prerequisites.
struct ResourceRecord: Hashable, Sendable {
    var name: DNSName
    var type: RecordType
    var recordClass: UInt16
    var ttl: UInt32
    var data: RecordData

    init(name: DNSName, type: RecordType, recordClass: UInt16 = RecordClass.internet, ttl: UInt32, data: RecordData) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }

    /// A record carrying `data` in class IN.
    init(name: DNSName, ttl: UInt32, data: RecordData) {
        self.init(name: name, type: data.type, ttl: ttl, data: data)
    }

    func encode(into writer: inout WireWriter) {
        writer.writeName(name, compress: true)
        writer.writeUInt16(type.rawValue)
        writer.writeUInt16(recordClass)
        writer.writeUInt32(ttl)
        let lengthPosition = writer.count
        writer.writeUInt16(0)
        data.encode(into: &writer)
        writer.patchUInt16(UInt16(clamping: writer.count - lengthPosition - 2), at: lengthPosition)
    }

    /// Reads the fixed part and returns the RDATA length with the reader placed at the RDATA.
    static func decodeHeader(from reader: inout WireReader) throws -> (name: DNSName, type: RecordType, recordClass: UInt16, ttl: UInt32, length: Int) {
        let name = try reader.readName()
        let type = RecordType(rawValue: try reader.readUInt16("record type"))
        let recordClass = try reader.readUInt16("record class")
        let ttl = try reader.readUInt32("TTL")
        let length = Int(try reader.readUInt16("RDLENGTH"))
        guard length <= reader.remaining else {
            throw reader.failure("RDLENGTH \(length) exceeds the \(reader.remaining) bytes left")
        }
        return (name, type, recordClass, ttl, length)
    }

    static func decode(from reader: inout WireReader) throws -> ResourceRecord {
        let header = try decodeHeader(from: &reader)
        let data = try RecordData.decode(type: header.type, length: header.length, from: &reader)
        return ResourceRecord(name: header.name, type: header.type, recordClass: header.recordClass,
                              ttl: header.ttl, data: data)
    }
}
