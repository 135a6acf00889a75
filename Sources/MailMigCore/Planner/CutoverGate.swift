import Foundation

/// Facts beyond DNS that decide whether a domain may be cut over.
public struct CutoverGateFacts: Sendable {
    /// The stage each batch has reached, from the state (`nil`: not started).
    public var batchStages: [String: Stage]
    /// Domains whose last verification found differences.
    public var failedVerification: Set<String>

    /// Creates the facts.
    public init(batchStages: [String: Stage] = [:], failedVerification: Set<String> = []) {
        self.batchStages = batchStages
        self.failedVerification = failedVerification
    }
}

/// The safety gates of a cutover (DESIGN §2): old TTL expired, batches synced, verification passed.
enum CutoverGate {
    /// Why `domain` may not be cut over now, with the earliest time when it is only a matter of time.
    static func check(domain: Domain, plan: Plan, cutoverKeys: [RRsetKey], base: (RRsetKey) -> RRsetSnapshot?,
                      recorded: (RRsetKey) -> DNSRecordState?, facts: CutoverGateFacts, now: Date) -> [BlockedItem] {
        var blocked: [BlockedItem] = []
        let address = "domain.\(domain.name)"
        if let lowered = domain.cutover?.lowerTTLTo {
            var waiting: [(key: RRsetKey, lowering: TTLLowering)] = []
            var notLowered: [(key: RRsetKey, ttl: Int)] = []
            for key in cutoverKeys {
                guard let original = base(key), original.ttl > lowered else { continue }
                if let lowering = recorded(key)?.lowered, lowering.ttl <= lowered {
                    if now < lowering.oldTTLExpires { waiting.append((key, lowering)) }
                } else {
                    notLowered.append((key, original.ttl))
                }
            }
            if let last = waiting.max(by: { $0.lowering.oldTTLExpires < $1.lowering.oldTTLExpires }) {
                let names = waiting.map(\.key.description).joined(separator: ", ")
                blocked.append(BlockedItem(
                    address: address,
                    reason: "the cutover of \(domain.name) waits for the old TTL: \(names) lowered to \(last.lowering.ttl)s at \(Formatting.timestamp(last.lowering.at)); resolvers may keep \(last.lowering.fromTTL)s answers until \(Formatting.timestamp(last.lowering.oldTTLExpires))",
                    earliest: last.lowering.oldTTLExpires))
            }
            if let longest = notLowered.max(by: { $0.ttl < $1.ttl }) {
                let names = notLowered.map(\.key.description).joined(separator: ", ")
                blocked.append(BlockedItem(
                    address: address,
                    reason: "the TTL of \(names) has not been lowered yet: this apply lowers it to \(lowered)s, and the cutover of \(domain.name) can follow once the old TTL of \(longest.ttl)s has passed",
                    earliest: now.addingTimeInterval(TimeInterval(longest.ttl))))
            }
        }
        let domainMailboxes = Set(plan.mailboxes.filter { $0.source.domain == domain.name || $0.target.domain == domain.name }.map(\.source))
        for batch in plan.batches {
            let members = plan.batchMembers[batch.name] ?? []
            guard members.contains(where: domainMailboxes.contains) else { continue }
            let reached = facts.batchStages[batch.name]
            if reached.map({ $0 < .sync }) ?? true {
                let state = reached.map { "has reached only \($0.rawValue)" } ?? "has not synced yet"
                blocked.append(BlockedItem(
                    address: address,
                    reason: "batch '\(batch.name)' holds mailboxes of \(domain.name) and \(state); the cutover needs every such batch at sync",
                    earliest: nil))
            }
        }
        if facts.failedVerification.contains(domain.name) {
            blocked.append(BlockedItem(
                address: address,
                reason: "the last verification of mailboxes of \(domain.name) found differences; run `mailmig verify` until it passes",
                earliest: nil))
        }
        return blocked
    }
}
