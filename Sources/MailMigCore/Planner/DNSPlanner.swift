import Foundation

/// Plans the DNS side of a migration: verification records, TTL lowering, cutover and restore.
///
/// Pure: it compares the plan with the recorded state and the live records read just before, and
/// returns compare-and-swap steps. Each RRset's desired value is built from what was there before
/// mailmig touched it, so restoring is exact and other records of a shared RRset are kept.
public struct DNSPlanner: Sendable {
    /// The plan file.
    public var plan: Plan
    /// Recorded RRset states by address.
    public var recorded: [String: DNSRecordState]
    /// Live RRsets as read now (`nil` value: the server has none).
    public var live: [RRsetKey: RRsetSnapshot?]
    /// Gate facts from the mail side.
    public var facts: CutoverGateFacts
    /// The time of planning.
    public var now: Date
    /// `--force`: gates only warn.
    public var force: Bool
    /// The record syntax of each provider by name, to normalise the plan's values as they read back.
    public var syntax: [String: any DNSRecordSyntax]
    /// What each provider can do, by name; a provider missing here compares and swaps, with no TTL or type limit.
    public var capabilities: [String: DNSProviderCapabilities]

    /// Creates a planner.
    public init(plan: Plan, recorded: [String: DNSRecordState], live: [RRsetKey: RRsetSnapshot?],
                facts: CutoverGateFacts, now: Date, force: Bool, syntax: [String: any DNSRecordSyntax],
                capabilities: [String: DNSProviderCapabilities] = [:]) {
        self.syntax = syntax
        self.capabilities = capabilities
        self.plan = plan
        self.recorded = recorded
        self.live = live
        self.facts = facts
        self.now = now
        self.force = force
    }

    /// Every RRset a plan manages, in the order changes are made: verification first, then cutover records.
    public static func managedKeys(of domain: Domain) -> [RRsetKey] {
        var keys: [RRsetKey] = []
        func add(_ key: RRsetKey) { if !keys.contains(key) { keys.append(key) } }
        guard domain.dnsProvider != nil else { return [] }
        if let verify = domain.verify { add(RRsetKey(domain: domain.name, owner: verify.name, type: verify.type)) }
        for record in domain.cutover?.records ?? [] { add(RRsetKey(domain: domain.name, owner: record.name, type: record.type)) }
        return keys
    }

    /// Plans every domain; throws when a value in the plan cannot be normalised.
    public func makePlan() throws(ProviderError) -> ExecutionPlan {
        var result = ExecutionPlan.empty
        var planned = Set<String>()
        for domain in plan.domains {
            let keys = Self.managedKeys(of: domain)
            planned.formUnion(keys.map(\.address))
            try planDomain(domain, keys: keys, into: &result)
        }
        // RRsets recorded but no longer in the plan go back to what they were, and are forgotten.
        for state in recorded.values.sorted(by: { $0.key < $1.key }) where !planned.contains(state.key.address) {
            release(state, into: &result)
        }
        let writing = Set(result.steps.compactMap { $0.work.dnsChange }.filter(\.writesDNS).map(\.provider))
        result.warnings += writing.sorted().compactMap { capability($0).planWarning(provider: $0) }
        // One change at a time, in plan order; records the operator sets by hand wait for nobody and
        // hold up nobody, so one apply prints the whole checklist.
        var previous: String?
        for index in result.steps.indices {
            guard let change = result.steps[index].work.dnsChange, capability(change.provider).writes != .byOperator else { continue }
            if let previous { result.steps[index].dependsOn = [previous] }
            previous = result.steps[index].id
        }
        return result
    }

    private func capability(_ provider: String) -> DNSProviderCapabilities {
        capabilities[provider] ?? DNSProviderCapabilities(writes: .compareAndSwap)
    }

    /// Refuses a change the provider cannot hold: a record type it does not manage, a TTL below its minimum.
    private func checkSupported(_ change: DNSChange) throws(ProviderError) {
        let limits = capability(change.provider)
        guard limits.recordTypes.contains(change.key.type) else {
            let types = limits.recordTypes.map(\.rawValue).sorted().joined(separator: ", ")
            throw ProviderError(.unsupported("this provider cannot manage \(change.key.type.rawValue) records; it manages \(types)"), provider: change.provider, key: change.key)
        }
        if let ttl = change.desired?.ttl, ttl < limits.minimumTTL, change.desired != change.expected {
            throw ProviderError(.unsupported("the TTL \(ttl)s is below the lowest TTL this provider accepts, \(limits.minimumTTL)s; raise lower_ttl_to or the record's ttl"),
                                provider: change.provider, key: change.key)
        }
    }

    private func liveValue(_ key: RRsetKey) -> RRsetSnapshot? { live[key] ?? nil }

    /// The phase the RRset has reached: the recorded one, or the one the operator was asked to set by
    /// hand once the zone answers it (so a cutover made by hand is not held back by the gates again).
    private func reachedPhase(_ key: RRsetKey) -> DNSPhase? {
        guard let state = recorded[key.address] else { return nil }
        if let request = state.requested, request.desired == liveValue(key) { return request.phase }
        return state.phase
    }

    private func planDomain(_ domain: Domain, keys: [RRsetKey], into result: inout ExecutionPlan) throws(ProviderError) {
        guard let provider = domain.dnsProvider else { return }
        let cutoverKeys = keys.filter { key in domain.cutover?.records.contains { RRsetKey(domain: domain.name, owner: $0.name, type: $0.type) == key } ?? false }
        var originals: [RRsetKey: RRsetSnapshot?] = [:]
        for key in keys {
            let state = recorded[key.address]
            let current = liveValue(key)
            var original = state.map(\.original) ?? current
            if let state, state.applied != current, !(state.requested.map { $0.desired == current } ?? false) {
                // Records set by hand other than the cutover records asked for are a mistake, not the source's.
                let adopt = state.phase == .source && state.requested?.phase != .cutover
                if adopt, let current {
                    // Before the cutover the source's records are the operator's to change: follow them.
                    original = RRsetSnapshot(ttl: state.original?.ttl ?? current.ttl, values: current.values)
                } else if adopt {
                    original = nil
                }
                result.drift.append(DriftItem(
                    address: key.address, recorded: state.applied?.description ?? "no records", live: current?.description ?? "no records",
                    resolution: adopt ? "kept: before the cutover the live records are taken as the source's" : "the plan sets it back"))
            }
            originals[key] = original
        }

        var cutOver = domain.route == .target
        if cutOver, cutoverKeys.contains(where: { reachedPhase($0) != .cutover }) {
            let blocked = CutoverGate.check(domain: domain, plan: plan, cutoverKeys: cutoverKeys, base: { originals[$0] ?? nil },
                                            recorded: { recorded[$0.address] }, facts: facts, now: now)
            if !blocked.isEmpty {
                if force {
                    result.warnings += blocked.map { "--force: cutting over although \($0.reason)" }
                } else {
                    result.blocked += blocked
                    cutOver = false
                }
            }
        }

        for key in keys {
            let original = originals[key] ?? nil
            let desired = try desiredSnapshot(key, domain: domain, provider: provider, original: original, cutOver: cutOver, isCutoverKey: cutoverKeys.contains(key))
            let phase: DNSPhase = cutOver && cutoverKeys.contains(key) ? .cutover : .source
            let state = recorded[key.address]
            let current = liveValue(key)
            let stateNeedsUpdate = state == nil ? desired != current : (state?.original != original || state?.phase != phase || state?.applied != current)
            guard desired != current || stateNeedsUpdate else { continue }
            let change = DNSChange(key: key, provider: provider, expected: current, desired: desired, original: original, phase: phase, forget: false,
                                   setByHand: capability(provider).writes == .byOperator ? true : nil)
            try checkSupported(change)
            result.steps.append(PlannedStep(
                id: "dns:\(key.address)", address: key.address, action: action(from: current, to: desired),
                reason: reason(change, previous: state, domain: domain), work: .dns(change), dependsOn: []))
        }
    }

    private func desiredSnapshot(_ key: RRsetKey, domain: Domain, provider: String, original: RRsetSnapshot?, cutOver: Bool, isCutoverKey: Bool) throws(ProviderError) -> RRsetSnapshot? {
        var values = Set(original?.values ?? [])
        var explicitTTL: Int?
        if cutOver {
            for record in domain.cutover?.records ?? [] where RRsetKey(domain: domain.name, owner: record.name, type: record.type) == key {
                let normalized = try normalize(record.values, type: record.type, key: key, provider: provider)
                if let match = record.match, record.type == .TXT {
                    let format = try recordSyntax(provider, key: key)
                    values = values.filter { !format.text(ofTXT: $0).hasPrefix(match) }
                    values.formUnion(normalized)
                } else {
                    values = Set(normalized)
                }
                explicitTTL = record.ttl ?? explicitTTL
            }
        }
        var verifyTTL: Int?
        if let verify = domain.verify, RRsetKey(domain: domain.name, owner: verify.name, type: verify.type) == key {
            values.formUnion(try normalize(verify.values, type: verify.type, key: key, provider: provider))
            verifyTTL = verify.ttl
        }
        guard !values.isEmpty else { return nil }
        var ttl = original?.ttl ?? explicitTTL ?? verifyTTL ?? 3_600
        if let explicitTTL { ttl = explicitTTL }
        if isCutoverKey, let lowered = domain.cutover?.lowerTTLTo { ttl = min(ttl, lowered) }
        return RRsetSnapshot(ttl: ttl, values: Array(values))
    }

    private func normalize(_ values: [String], type: DNSRecordType, key: RRsetKey, provider: String) throws(ProviderError) -> [String] {
        let format = try recordSyntax(provider, key: key)
        var result: [String] = []
        for value in values {
            do {
                result.append(try format.normalize(value, type: type))
            } catch {
                throw ProviderError(error.kind, provider: "plan", key: key)
            }
        }
        return result
    }

    private func recordSyntax(_ provider: String, key: RRsetKey) throws(ProviderError) -> any DNSRecordSyntax {
        guard let format = syntax[provider] else {
            throw ProviderError.undefined(provider, key: key)
        }
        return format
    }

    private func release(_ state: DNSRecordState, into result: inout ExecutionPlan) {
        let current = liveValue(state.key)
        let change = DNSChange(key: state.key, provider: state.provider, expected: current, desired: state.original,
                               original: state.original, phase: .source, forget: true,
                               setByHand: capability(state.provider).writes == .byOperator ? true : nil)
        let reason = current == state.original
            ? "no longer in the plan: forget it (the records are as before mailmig)"
            : "no longer in the plan: restore the records from before mailmig, then forget it"
        result.steps.append(PlannedStep(id: "dns:\(state.key.address)", address: state.key.address, action: .delete,
                                        reason: noted(reason, provider: state.provider, change: change), work: .dns(change), dependsOn: []))
    }

    private func action(from current: RRsetSnapshot?, to desired: RRsetSnapshot?) -> ChangeAction {
        switch (current, desired) {
        case (nil, .some): return .create
        case (.some, nil): return .delete
        default: return .update
        }
    }

    /// `reason`, with what the plan must say about a provider that cannot compare and swap.
    private func noted(_ reason: String, provider: String, change: DNSChange) -> String {
        guard change.writesDNS, let note = capability(provider).planNote else { return reason }
        return "\(reason) (\(note))"
    }

    private func reason(_ change: DNSChange, previous: DNSRecordState?, domain: Domain) -> String {
        noted(plainReason(change, previous: previous, domain: domain), provider: change.provider, change: change)
    }

    private func plainReason(_ change: DNSChange, previous: DNSRecordState?, domain: Domain) -> String {
        let current = change.expected
        let desired = change.desired
        if current == desired, let request = previous?.requested, request.desired == current {
            return request.phase == .cutover && previous?.phase != .cutover
                ? "found the cutover records set by hand as asked: record them in the state"
                : "found the records set by hand as asked: record them in the state"
        }
        if change.phase == .cutover, previous?.phase != .cutover { return "cut over to the target" }
        if change.phase == .source, previous?.phase == .cutover { return "restore the records recorded before the cutover (route: source)" }
        if current == desired { return "record the change made outside mailmig in the state" }
        var reasons: [String] = []
        if let current, let desired, current.ttl != desired.ttl {
            reasons.append(desired.ttl < current.ttl
                ? "lower the TTL from \(current.ttl)s to \(desired.ttl)s ahead of the cutover"
                : "set the TTL from \(current.ttl)s to \(desired.ttl)s")
        }
        let removed = Set(current?.values ?? []).subtracting(desired?.values ?? [])
        let added = Set(desired?.values ?? []).subtracting(current?.values ?? [])
        if !added.isEmpty || !removed.isEmpty {
            let isVerifyKey = domain.verify.map { RRsetKey(domain: domain.name, owner: $0.name, type: $0.type) == change.key } ?? false
            if isVerifyKey, removed.isEmpty {
                reasons.append("add the domain verification record")
            } else {
                reasons.append(previous == nil ? "set the records the plan declares" : "set the records back to what the plan says")
            }
        }
        return reasons.isEmpty ? "update" : reasons.joined(separator: "; ")
    }
}
