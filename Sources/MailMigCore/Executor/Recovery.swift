import Foundation

/// Settles steps a killed apply left pending, by asking the outside world what happened.
///
/// Each step's kind settles it (`StepKind.recover`): a DNS step looks at the live RRset, a mail pass
/// leaves its interrupted chunks to the next pass, which checks the target. Run under the state lock,
/// before planning.
public struct Recovery: Sendable {
    let store: StateStore
    let dnsProviders: [String: any DNSZoneProvider]
    let now: @Sendable () -> Date

    /// Creates a recovery for a state and its providers.
    public init(store: StateStore, dnsProviders: [String: any DNSZoneProvider], now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.dnsProviders = dnsProviders
        self.now = now
    }

    /// One sentence per settled step, for the operator.
    public func run() async throws -> [String] {
        // Before planning, which takes a while: a dead coordinator's workers must not claim mailboxes
        // from its queue meanwhile, which this apply then plans again.
        if let queue = store as? any SharedApplyQueue { try queue.closeAbandonedApplies() }
        let context = StepContext(store: store, dnsProviders: dnsProviders, mail: nil, mailProgress: nil, faults: FaultInjection(), now: now)
        var notes: [String] = []
        for entry in try store.pendingSteps() {
            guard let step = try? StateCoding.decoder.decode(PlannedStep.self, from: entry.step) else {
                try store.journalFinish(applyID: entry.applyID, stepID: entry.stepID, status: .failed, error: "unreadable journal entry")
                continue
            }
            switch try await step.work.recover(step: step, in: context) {
            case .done(let changes, let note):
                try store.journalDone(applyID: entry.applyID, stepID: entry.stepID, changes: changes)
                notes.append(note)
            case .failed(let error, let note):
                try store.journalFinish(applyID: entry.applyID, stepID: entry.stepID, status: .failed, error: error)
                notes.append(note)
            case .leftPending(let note):
                notes.append(note)
            }
        }
        try store.markInterruptedApplies()
        return notes
    }
}
