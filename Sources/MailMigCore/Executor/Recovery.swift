import Foundation

/// Settles steps a killed apply left pending, by asking the outside world what happened.
///
/// A pending DNS step either reached the server (the live RRset is what it wanted: record it as done)
/// or did not (the live RRset is still what it expected: mark it failed). Anything else was changed by
/// someone else since, and the next plan shows it as drift. Run under the state lock, before planning.
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
        var notes: [String] = []
        for entry in try store.pendingSteps() {
            guard let step = try? StateCoding.decoder.decode(PlannedStep.self, from: entry.step) else {
                try store.journalFinish(applyID: entry.applyID, stepID: entry.stepID, status: .failed, error: "unreadable journal entry")
                continue
            }
            switch step.work {
            case .dns(let change):
                guard let provider = dnsProviders[change.provider] else {
                    notes.append("left \(step.address) pending: the plan no longer defines the DNS provider \(change.provider)")
                    continue
                }
                let live = try await provider.read(change.key)
                if live == change.desired {
                    let previous = try store.resource(change.key.address).map { try $0.decode(DNSRecordState.self) }
                    try store.journalDone(applyID: entry.applyID, stepID: entry.stepID,
                                          changes: [try DNSRecordState.recording(change, previous: previous, at: now())])
                    notes.append("recovered \(step.address): the interrupted change had reached the server; recorded it")
                } else if live == change.expected {
                    try store.journalFinish(applyID: entry.applyID, stepID: entry.stepID, status: .failed,
                                            error: "interrupted before the change reached the server")
                    notes.append("recovered \(step.address): the interrupted change had not reached the server")
                } else {
                    try store.journalFinish(applyID: entry.applyID, stepID: entry.stepID, status: .failed,
                                            error: "interrupted; the records changed since")
                    notes.append("recovered \(step.address): interrupted, and the records changed since; see the drift section")
                }
            case .provision, .mailbox:
                // Mail passes settle their own interrupted chunks against the target before copying again.
                try store.journalFinish(applyID: entry.applyID, stepID: entry.stepID, status: .failed,
                                        error: "interrupted; the next pass checks the target for what was appended")
                notes.append("recovered \(step.address): the interrupted pass is planned again and resumes from the ledger")
            }
        }
        try store.markInterruptedApplies()
        return notes
    }
}
