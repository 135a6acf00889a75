import Foundation

/// The step kind that compare-and-swaps one RRset through a DNS provider.
public enum DNSStep: StepKind {
    public static let name = "dns"

    public static func perform(_ change: DNSChange, step: PlannedStep, in context: StepContext) async throws -> StepResult {
        guard let provider = context.dnsProviders[change.provider] else { throw ProviderError.undefined(change.provider, key: change.key) }
        let previous = try context.store.resource(change.key.address).map { try $0.decode(DNSRecordState.self) }
        var warnings: [String] = []
        if change.writesDNS {
            switch provider.capabilities.writes {
            case .compareAndSwap:
                try await provider.write(change)
            case .readCheckWrite:
                try await readCheckWrite(change, provider: provider)
            case .byOperator:
                try await awaitOperator(change, provider: provider, previous: previous, in: context)
            }
            context.faults.pass("dns-write")
            if try await !provider.waitUntilVisible(change.key, change.desired) {
                warnings.append("the change of \(change.key) was accepted but not yet answered by every checked server")
            }
        }
        return StepResult(changes: [try DNSRecordState.recording(change, previous: previous, at: context.now())], warnings: warnings)
    }

    /// The compare-and-swap a provider without conditional writes cannot do itself: read and compare,
    /// replace, then read back; the read-back finds a change made by someone else in between.
    private static func readCheckWrite(_ change: DNSChange, provider: any DNSZoneProvider) async throws {
        let live = try await provider.read(change.key)
        if live == change.desired { return }
        guard live == change.expected else { throw ProviderError(.changedSincePlanned(now: live), provider: provider.name, key: change.key) }
        try await provider.write(change)
        let written = try await provider.read(change.key)
        guard written == change.desired else {
            throw ProviderError(.server("the records read back after the write are \(written?.description ?? "none"), not \(change.desired?.description ?? "none"): someone changed them at the same time; run `mailmig plan` again"),
                                provider: provider.name, key: change.key)
        }
    }

    /// Asks the operator to set the records. At a terminal the operator confirms and the zone is read
    /// until it answers them; otherwise (or when the operator leaves it) the step waits for a later
    /// apply, keeping in the state what the RRset held before so a restore stays exact.
    private static func awaitOperator(_ change: DNSChange, provider: any DNSZoneProvider, previous: DNSRecordState?,
                                      in context: StepContext) async throws {
        let item = DNSChecklistItem(key: change.key, provider: change.provider, current: change.expected, desired: change.desired)
        if let prompt = context.operatorPrompt {
            var differs: RRsetSnapshot?? = nil
            while await prompt.confirm(item, stillDiffers: differs) {
                if try await provider.waitUntilVisible(change.key, change.desired) { return }
                differs = .some(try await provider.read(change.key))
            }
        }
        let waiting = DNSRecordState(key: change.key, provider: change.provider, original: change.original, applied: change.expected,
                                     phase: previous?.phase ?? .source, lowered: previous?.lowered, cutoverAt: previous?.cutoverAt,
                                     requested: OperatorRequest(desired: change.desired, phase: change.phase, at: context.now()))
        throw OperatorActionRequired(item: item, changes: [try .put(change.key.address, kind: DNSRecordState.kind, waiting)])
    }

    /// The change either reached the server (the live RRset is what it wanted: record it as done) or did
    /// not (the live RRset is still what it expected: mark it failed). Anything else was changed by
    /// someone else since, and the next plan shows it as drift.
    public static func recover(_ change: DNSChange, step: PlannedStep, in context: StepContext) async throws -> StepRecovery {
        guard let provider = context.dnsProviders[change.provider] else {
            return .leftPending(note: "left \(step.address) pending: the plan no longer defines the DNS provider \(change.provider)")
        }
        let live = try await provider.read(change.key)
        if live == change.desired {
            let previous = try context.store.resource(change.key.address).map { try $0.decode(DNSRecordState.self) }
            return .done(changes: [try DNSRecordState.recording(change, previous: previous, at: context.now())],
                         note: "recovered \(step.address): the interrupted change had reached the server; recorded it")
        }
        if live == change.expected {
            return .failed(error: "interrupted before the change reached the server",
                           note: "recovered \(step.address): the interrupted change had not reached the server")
        }
        return .failed(error: "interrupted; the records changed since",
                       note: "recovered \(step.address): interrupted, and the records changed since; see the drift section")
    }

    public static func detail(_ change: DNSChange) -> [String] {
        var lines: [String] = []
        let before = change.expected
        let after = change.desired
        if let before, let after, before.ttl != after.ttl { lines.append("ttl: \(before.ttl) → \(after.ttl)") }
        if before == nil, let after { lines.append("ttl: \(after.ttl)") }
        let old = Set(before?.values ?? [])
        let new = Set(after?.values ?? [])
        for value in (before?.values ?? []) where !new.contains(value) { lines.append("- \(value)") }
        for value in (after?.values ?? []) where !old.contains(value) { lines.append("+ \(value)") }
        for value in (after?.values ?? []) where old.contains(value) && before != after { lines.append("  \(value)") }
        if change.forget { lines.append("(forgotten by the state afterwards)") }
        if change.setByHand == true, change.writesDNS {
            let item = DNSChecklistItem(key: change.key, provider: change.provider, current: change.expected, desired: change.desired)
            lines.append("to set by hand: \(item.instruction):")
            lines += item.recordLines.map { "  \($0)" }
        }
        return lines
    }

    public static func beforeAfter(_ change: DNSChange) -> (before: String, after: String) {
        (change.expected?.description ?? "none", change.desired?.description ?? "none")
    }

    public static func jsonFields(_ change: DNSChange) -> [String: any Sendable] {
        func object(_ snapshot: RRsetSnapshot) -> [String: any Sendable] { ["ttl": snapshot.ttl, "values": snapshot.values] }
        return ["before": change.expected.map(object) ?? NSNull(), "after": change.desired.map(object) ?? NSNull()]
    }
}

extension StepWork {
    /// A compare-and-swap of one RRset.
    public static func dns(_ change: DNSChange) -> StepWork { StepWork(DNSStep.self, change) }

    /// The RRset change, when the step is a DNS step.
    public var dnsChange: DNSChange? { payload(of: DNSStep.self) }
}

/// A compare-and-swap of one RRset through a DNS provider.
public struct DNSChange: Sendable, Equatable, Codable {
    /// The RRset.
    public var key: RRsetKey
    /// The provider's name in the plan.
    public var provider: String
    /// What the RRset must hold for the change to go ahead (read when planning).
    public var expected: RRsetSnapshot?
    /// What it will hold afterwards (`nil`: removed).
    public var desired: RRsetSnapshot?
    /// The RRset before mailmig first changed it, as the state will record it.
    public var original: RRsetSnapshot?
    /// The phase the RRset is in afterwards.
    public var phase: DNSPhase
    /// Whether the state forgets the RRset afterwards (it left the plan and was restored).
    public var forget: Bool
    /// Whether the operator sets it by hand (a provider mailmig cannot write to), so the plan shows
    /// the records as a DNS host's form asks for them; absent in plans saved before it existed.
    public var setByHand: Bool?

    /// Creates a change.
    public init(key: RRsetKey, provider: String, expected: RRsetSnapshot?, desired: RRsetSnapshot?, original: RRsetSnapshot?,
                phase: DNSPhase, forget: Bool, setByHand: Bool? = nil) {
        self.setByHand = setByHand
        self.key = key
        self.provider = provider
        self.expected = expected
        self.desired = desired
        self.original = original
        self.phase = phase
        self.forget = forget
    }

    /// Whether the change writes to DNS at all (it may only record an outside change in the state).
    public var writesDNS: Bool { expected != desired }
}

extension DNSRecordState {
    /// The state change a completed DNS change makes: what to record, or to forget.
    static func recording(_ change: DNSChange, previous: DNSRecordState?, at now: Date) throws -> ResourceChange {
        if change.forget { return .remove(address: change.key.address) }
        let original = change.original
        var lowered = previous?.lowered
        if let desired = change.desired, let baseline = original ?? change.expected, desired.ttl < baseline.ttl {
            if lowered?.ttl != desired.ttl {
                lowered = TTLLowering(ttl: desired.ttl, fromTTL: max(baseline.ttl, change.expected?.ttl ?? 0), at: now)
            }
        } else {
            lowered = nil
        }
        var cutoverAt = previous?.cutoverAt
        if change.phase == .cutover, previous?.phase != .cutover { cutoverAt = now }
        if change.phase == .source { cutoverAt = nil }
        let state = DNSRecordState(key: change.key, provider: change.provider, original: original, applied: change.desired,
                                   phase: change.phase, lowered: lowered, cutoverAt: cutoverAt)
        return try .put(change.key.address, kind: DNSRecordState.kind, state)
    }
}
