import Foundation

/// One RRset the operator is asked to set by hand at a provider mailmig cannot write to.
public struct DNSChecklistItem: Sendable, Equatable, Codable {
    /// The RRset.
    public var key: RRsetKey
    /// The provider's name in the plan.
    public var provider: String
    /// What the zone holds now (`nil`: no records).
    public var current: RRsetSnapshot?
    /// What it must hold afterwards (`nil`: delete every record of this name and type).
    public var desired: RRsetSnapshot?

    /// Creates an item.
    public init(key: RRsetKey, provider: String, current: RRsetSnapshot?, desired: RRsetSnapshot?) {
        self.key = key
        self.provider = provider
        self.current = current
        self.desired = desired
    }

    /// The records as DNS hosts' forms ask for them: one line per record, `name  type  TTL  value`,
    /// the owner fully qualified with its trailing dot and TXT values quoted whole.
    public var recordLines: [String] {
        guard let desired else { return ["delete every \(key.type.rawValue) record of \(key.fqdn)."] }
        return desired.values.map { "\(key.fqdn).  \(key.type.rawValue)  \(desired.ttl)  \($0)" }
    }

    /// One sentence: what to do with this RRset.
    public var instruction: String {
        switch (current, desired) {
        case (nil, .some): return "create \(key.description)"
        case (.some, nil): return "delete \(key.description)"
        default:
            if let current, let desired, current.values == desired.values { return "change the TTL of \(key.description) from \(current.ttl) to \(desired.ttl)" }
            return "replace every \(key.type.rawValue) record of \(key.fqdn) with exactly these"
        }
    }
}

/// Asks the operator, at a terminal, to set records by hand and say when they are set.
public protocol OperatorPrompt: Sendable {
    /// Shows `item` and waits until the operator says it is set (`true`) or leaves it for a later
    /// apply (`false`). `stillDiffers` is what the zone answered after the last confirmation, if it did
    /// not match yet.
    func confirm(_ item: DNSChecklistItem, stillDiffers: RRsetSnapshot??) async -> Bool
}

/// A step is waiting for the operator: the records are not set yet. Not a failure: the apply goes
/// on, exits 0, and a later apply checks the records and records them.
public struct OperatorActionRequired: Error, Sendable, CustomStringConvertible {
    /// What the operator must set.
    public var item: DNSChecklistItem
    /// State changes to commit while waiting (what the RRset was before, so restoring stays exact).
    public var changes: [ResourceChange]

    /// Creates the signal.
    public init(item: DNSChecklistItem, changes: [ResourceChange]) {
        self.item = item
        self.changes = changes
    }

    /// One sentence.
    public var description: String {
        "waiting for the operator: \(item.instruction) at DNS provider \(item.provider), then run `mailmig apply` again"
    }
}
