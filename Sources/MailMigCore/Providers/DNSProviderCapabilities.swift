/// What a DNS provider can do, so the planner and the DNS step treat every provider the same way.
///
/// A provider states how its writes reach the zone, the lowest TTL it accepts and the record types
/// it manages; the planner refuses what the provider cannot hold, and the plan says when a change is
/// not atomic or must be made by the operator.
public struct DNSProviderCapabilities: Sendable, Hashable {
    /// How a change reaches the zone.
    public enum Writes: String, Sendable, Hashable {
        /// One request replaces the RRset only if it still holds the expected values (RFC 2136
        /// prerequisites): a change made in between is never overwritten.
        case compareAndSwap
        /// The provider replaces an RRset without a condition: the DNS step reads and checks the
        /// RRset first and reads it back afterwards. A change made between the read and the write is
        /// found by the read-back, not prevented.
        case readCheckWrite
        /// Nothing can be written: the operator sets the records by hand from the checklist the apply
        /// prints, and a later apply finds them at the zone's servers.
        case byOperator
    }

    /// How a change reaches the zone.
    public var writes: Writes
    /// The lowest TTL in seconds the provider accepts (0: no limit).
    public var minimumTTL: Int
    /// The record types the provider can manage.
    public var recordTypes: Set<DNSRecordType>

    /// Creates capabilities; by default every record type and no TTL limit.
    public init(writes: Writes, minimumTTL: Int = 0, recordTypes: Set<DNSRecordType> = Set(DNSRecordType.allCases)) {
        self.writes = writes
        self.minimumTTL = minimumTTL
        self.recordTypes = recordTypes
    }

    /// What a plan says beside each change through a provider with these capabilities, if anything.
    public var planNote: String? {
        switch writes {
        case .compareAndSwap: return nil
        case .readCheckWrite: return "not atomic at this provider"
        case .byOperator: return "set by hand at this provider"
        }
    }

    /// What a plan says once about a provider `name` it changes records through, if anything.
    public func planWarning(provider name: String) -> String? {
        switch writes {
        case .compareAndSwap: return nil
        case .readCheckWrite:
            return "DNS provider \(name) cannot replace an RRset only if it is unchanged: mailmig reads and checks each RRset, writes it, then reads it back; a change someone else makes in that moment can be overwritten"
        case .byOperator:
            return "DNS provider \(name) is set by hand: apply prints the records to set and waits; a later apply checks them at the zone's servers and records them"
        }
    }
}
