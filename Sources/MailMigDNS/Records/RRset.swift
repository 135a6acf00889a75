/// All records of one name and type, with their shared TTL.
///
/// Equality is set equality: the order of `records` and duplicates do not matter, and names compare
/// case-insensitively. Use `hasSameRecords(as:)` to compare values while ignoring the TTL.
public struct RRset: Hashable, Sendable, CustomStringConvertible {
    public var name: DNSName
    public var type: RecordType
    public var ttl: UInt32
    public var records: [RecordData]

    /// An RRset; every record must be of `type`.
    public init(name: DNSName, type: RecordType, ttl: UInt32, records: [RecordData]) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.records = records
    }

    /// An RRset parsed from presentation values, e.g. `["10 mx1.example.com.", "20 mx2.example.com."]`.
    public init(name: DNSName, type: RecordType, ttl: UInt32, presentation values: [String]) throws {
        self.init(name: name, type: type, ttl: ttl,
                  records: try values.map { try RecordData(type: type, presentation: $0) })
    }

    /// Whether both hold the same values, whatever the TTLs and order.
    public func hasSameRecords(as other: RRset) -> Bool {
        Set(records) == Set(other.records)
    }

    /// Same name, type and TTL, and the same set of values.
    public static func == (lhs: RRset, rhs: RRset) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.ttl == rhs.ttl && lhs.hasSameRecords(as: rhs)
    }

    /// Hashes the set of values, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(type)
        hasher.combine(ttl)
        hasher.combine(Set(records))
    }

    /// `name TTL type value` lines joined with `; `, values sorted so equal sets print alike.
    public var description: String {
        let values = records.map(\.description).sorted()
        guard !values.isEmpty else { return "\(name) \(ttl) \(type) (no records)" }
        return values.map { "\(name) \(ttl) \(type) \($0)" }.joined(separator: "; ")
    }

    /// The records without duplicates, in their first-seen order.
    var uniqueRecords: [RecordData] {
        var seen = Set<RecordData>()
        return records.filter { seen.insert($0).inserted }
    }

    /// Groups records into RRsets by name and type, keeping first-seen order.
    static func group(_ records: [ResourceRecord]) -> [RRset] {
        var sets: [RRset] = []
        for record in records {
            if let index = sets.firstIndex(where: { $0.name == record.name && $0.type == record.type }) {
                if !sets[index].records.contains(record.data) { sets[index].records.append(record.data) }
                sets[index].ttl = min(sets[index].ttl, record.ttl)
            } else {
                sets.append(RRset(name: record.name, type: record.type, ttl: record.ttl, records: [record.data]))
            }
        }
        return sets
    }
}
