import Foundation

/// Receives progress while an apply runs (the CLI prints it; tests record it).
public protocol ExecutionObserver: Sendable {
    /// A step is about to change something.
    func stepStarted(_ step: PlannedStep)
    /// A step ended.
    func stepFinished(_ step: PlannedStep, _ outcome: ApplyReport.Outcome)
}

/// Runs an execution plan: dependency order, bounded parallelism, every step journaled.
///
/// A step is written to the journal as pending before it touches anything outside, and marked done in
/// the same transaction that commits its resource changes, so a crash at any point leaves a journal
/// from which the next run finds out what happened (`Recovery`). After a failure or an interruption,
/// what is in flight finishes and nothing new starts.
public struct Executor: Sendable {
    let store: StateStore
    let dnsProviders: [String: any DNSZoneProvider]
    let mail: MailContext?
    let mailProgress: (any MailProgress)?
    let faults: FaultInjection
    let cancellation: CancellationFlag
    let parallelism: Int
    let now: @Sendable () -> Date

    /// Creates an executor.
    public init(store: StateStore, dnsProviders: [String: any DNSZoneProvider], mail: MailContext? = nil,
                mailProgress: (any MailProgress)? = nil, faults: FaultInjection = FaultInjection(),
                cancellation: CancellationFlag = CancellationFlag(), parallelism: Int = 4, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.dnsProviders = dnsProviders
        self.mail = mail
        self.mailProgress = mailProgress
        self.faults = faults
        self.cancellation = cancellation
        self.parallelism = max(1, parallelism)
        self.now = now
    }

    /// Runs every step it can; never throws: the report says what happened to each step.
    public func run(_ plan: ExecutionPlan, applyID: String, operation: String, observer: (any ExecutionObserver)? = nil) async -> ApplyReport {
        var outcomes: [String: ApplyReport.Outcome] = [:]
        do {
            try store.beginApply(id: applyID, operation: operation)
        } catch {
            let entries = plan.steps.map { ApplyReport.Entry(step: $0, outcome: $0 == plan.steps.first ? .failed("\(error)") : .notStarted) }
            return ApplyReport(applyID: applyID, entries: entries, interrupted: false)
        }
        var remaining = plan.steps
        var stop = false
        await withTaskGroup(of: (String, ApplyReport.Outcome).self) { group in
            var inFlight = 0
            while true {
                while !stop, !cancellation.isCancelled, inFlight < parallelism,
                      let index = remaining.firstIndex(where: { step in step.dependsOn.allSatisfy { outcomes[$0].map(Self.isDone) ?? false } }) {
                    let step = remaining.remove(at: index)
                    observer?.stepStarted(step)
                    inFlight += 1
                    group.addTask { (step.id, await execute(step, applyID: applyID)) }
                }
                guard inFlight > 0, let (id, outcome) = await group.next() else { break }
                inFlight -= 1
                outcomes[id] = outcome
                if let step = plan.steps.first(where: { $0.id == id }) { observer?.stepFinished(step, outcome) }
                if case .failed = outcome { stop = true }
            }
        }
        let entries = plan.steps.map { ApplyReport.Entry(step: $0, outcome: outcomes[$0.id] ?? .notStarted) }
        let report = ApplyReport(applyID: applyID, entries: entries, interrupted: cancellation.isCancelled)
        let status = report.succeeded ? "succeeded" : report.interrupted ? "interrupted" : "failed"
        try? store.finishApply(id: applyID, status: status, summary: report.summaryLine)
        return report
    }

    private static func isDone(_ outcome: ApplyReport.Outcome) -> Bool {
        if case .done = outcome { return true }
        return false
    }

    private func execute(_ step: PlannedStep, applyID: String) async -> ApplyReport.Outcome {
        do {
            try store.journalPending(applyID: applyID, stepID: step.id, address: step.address, step: StateCoding.encoder.encode(step))
        } catch {
            return .failed("cannot write the journal: \(error)")
        }
        do {
            let (changes, warnings) = try await perform(step)
            try store.journalDone(applyID: applyID, stepID: step.id, changes: changes)
            return .done(warnings: warnings)
        } catch {
            let message = "\(error)"
            try? store.journalFinish(applyID: applyID, stepID: step.id, status: .failed, error: message)
            return .failed(message)
        }
    }

    private func perform(_ step: PlannedStep) async throws -> ([ResourceChange], [String]) {
        switch step.work {
        case .dns(let change):
            guard let provider = dnsProviders[change.provider] else {
                throw ProviderError.undefined(change.provider, key: change.key)
            }
            var warnings: [String] = []
            if change.writesDNS {
                try await provider.write(change)
                faults.pass("dns-write")
                if try await !provider.waitUntilVisible(change.key, change.desired) {
                    warnings.append("the change of \(change.key) was accepted but not yet answered by every checked server")
                }
            }
            let previous = try store.resource(change.key.address).map { try $0.decode(DNSRecordState.self) }
            return ([try DNSRecordState.recording(change, previous: previous, at: now())], warnings)
        case .provision(let work):
            return (try await MailSteps(context: try mailContext(), store: store, faults: faults, progress: mailProgress).provision(work), [])
        case .mailbox(let work):
            return (try await MailSteps(context: try mailContext(), store: store, faults: faults, progress: mailProgress).pass(work), [])
        }
    }

    private func mailContext() throws -> MailContext {
        guard let mail else {
            throw MailError(side: .source, server: "", mailbox: "", reason: "this run has no mail connections configured")
        }
        return mail
    }
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
