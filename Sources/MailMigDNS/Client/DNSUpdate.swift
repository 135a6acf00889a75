/// An RFC 2136 dynamic update of one zone: prerequisites, then deletions and additions.
///
/// The server applies all changes or none, and only if every prerequisite holds. A change planned
/// from a value read earlier should require that value (`requireExactly`) so that a change made by
/// someone else in between makes the update fail instead of being overwritten.
public struct DNSUpdate: Sendable, Equatable, CustomStringConvertible {
    /// The zone being updated (its apex name).
    public let zone: DNSName
    private(set) var prerequisites: [ResourceRecord] = []
    private(set) var updates: [ResourceRecord] = []

    /// An empty update of `zone`.
    public init(zone: DNSName) {
        self.zone = zone
    }

    // MARK: Prerequisites (RFC 2136 §2.4)

    /// Requires the RRset at `rrset.name` of `rrset.type` to hold exactly `rrset.records` (TTL ignored);
    /// with no records, requires that RRset not to exist.
    public mutating func requireExactly(_ rrset: RRset) {
        guard !rrset.records.isEmpty else {
            requireAbsent(rrset.name, type: rrset.type)
            return
        }
        for data in rrset.uniqueRecords {
            prerequisites.append(ResourceRecord(name: rrset.name, type: rrset.type, ttl: 0, data: data))
        }
    }

    /// Requires an RRset of `type` to exist at `name`, whatever its values.
    public mutating func requireExists(_ name: DNSName, type: RecordType) {
        prerequisites.append(emptyRecord(name, type: type, recordClass: RecordClass.any))
    }

    /// Requires no RRset of `type` at `name`.
    public mutating func requireAbsent(_ name: DNSName, type: RecordType) {
        prerequisites.append(emptyRecord(name, type: type, recordClass: RecordClass.none))
    }

    /// Requires at least one record of any type at `name`.
    public mutating func requireNameInUse(_ name: DNSName) {
        prerequisites.append(emptyRecord(name, type: .any, recordClass: RecordClass.any))
    }

    /// Requires no record of any type at `name`.
    public mutating func requireNameNotInUse(_ name: DNSName) {
        prerequisites.append(emptyRecord(name, type: .any, recordClass: RecordClass.none))
    }

    // MARK: Changes (RFC 2136 §2.5)

    /// Deletes the whole RRset of `type` at `name` (nothing happens if it does not exist).
    public mutating func deleteRRset(_ name: DNSName, type: RecordType) {
        updates.append(emptyRecord(name, type: type, recordClass: RecordClass.any))
    }

    /// Deletes every RRset at `name`.
    public mutating func deleteAllRRsets(_ name: DNSName) {
        updates.append(emptyRecord(name, type: .any, recordClass: RecordClass.any))
    }

    /// Deletes one record (name, type and value) from its RRset.
    public mutating func delete(_ data: RecordData, at name: DNSName) {
        updates.append(ResourceRecord(name: name, type: data.type, recordClass: RecordClass.none, ttl: 0, data: data))
    }

    /// Adds one record; an RRset's TTL is the last one added to it.
    public mutating func add(_ data: RecordData, at name: DNSName, ttl: UInt32) {
        updates.append(ResourceRecord(name: name, ttl: ttl, data: data))
    }

    /// Adds every record of an RRset with its TTL.
    public mutating func add(_ rrset: RRset) {
        for data in rrset.uniqueRecords { add(data, at: rrset.name, ttl: rrset.ttl) }
    }

    /// Compare-and-swap of one RRset: requires `old` exactly (or absence when nil), deletes it, adds `new`.
    ///
    /// `new` with no records deletes the RRset. Also the way to change a TTL.
    public mutating func replace(_ old: RRset?, with new: RRset) {
        if let old { requireExactly(old) } else { requireAbsent(new.name, type: new.type) }
        deleteRRset(new.name, type: new.type)
        add(new)
    }

    // MARK: Encoding

    /// Every name the update touches, for checking that all lie inside the zone.
    var names: [DNSName] { (prerequisites + updates).map(\.name) }

    /// The (name, type) pairs the prerequisites speak of, for reporting what the server has now.
    var prerequisiteKeys: [(DNSName, RecordType)] {
        var seen: [(DNSName, RecordType)] = []
        for record in prerequisites where record.type != .any && !seen.contains(where: { $0 == (record.name, record.type) }) {
            seen.append((record.name, record.type))
        }
        return seen
    }

    func message(id: UInt16) -> DNSMessage {
        var message = DNSMessage()
        message.id = id
        message.opcode = .update
        message.questions = [Question(name: zone, type: .soa)]
        message.answers = prerequisites
        message.authorities = updates
        return message
    }

    private func emptyRecord(_ name: DNSName, type: RecordType, recordClass: UInt16) -> ResourceRecord {
        ResourceRecord(name: name, type: type, recordClass: recordClass, ttl: 0, data: .unknown(type: type, data: []))
    }

    /// One line per prerequisite and change, in nsupdate-like words.
    public var description: String {
        var lines = ["zone \(zone)"]
        for record in prerequisites {
            switch (record.recordClass, record.data) {
            case (RecordClass.any, .unknown(_, [])) where record.type == .any: lines.append("prereq yxdomain \(record.name)")
            case (RecordClass.none, .unknown(_, [])) where record.type == .any: lines.append("prereq nxdomain \(record.name)")
            case (RecordClass.any, .unknown(_, [])): lines.append("prereq yxrrset \(record.name) \(record.type)")
            case (RecordClass.none, .unknown(_, [])): lines.append("prereq nxrrset \(record.name) \(record.type)")
            default: lines.append("prereq yxrrset \(record.name) \(record.type) \(record.data)")
            }
        }
        for record in updates {
            switch record.recordClass {
            case RecordClass.any where record.type == .any: lines.append("delete \(record.name)")
            case RecordClass.any: lines.append("delete \(record.name) \(record.type)")
            case RecordClass.none: lines.append("delete \(record.name) \(record.type) \(record.data)")
            default: lines.append("add \(record.name) \(record.ttl) \(record.type) \(record.data)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
