/// What became of every step of an apply; printed at the end and when it stops half-way.
public struct ApplyReport: Sendable, Equatable {
    /// The outcome of one step.
    public enum Outcome: Sendable, Equatable {
        case done(warnings: [String])
        case failed(String)
        case notStarted
        /// Waiting for the operator to set these records by hand; not a failure.
        case waiting(DNSChecklistItem)
    }

    /// One step and its outcome.
    public struct Entry: Sendable, Equatable {
        /// The step.
        public var step: PlannedStep
        /// What became of it.
        public var outcome: Outcome
    }

    /// The apply's id in the journal.
    public var applyID: String
    /// Every step of the plan, in plan order.
    public var entries: [Entry]
    /// Whether the operator interrupted it.
    public var interrupted: Bool
    /// Messages the apply skipped on purpose and recorded (`mailmig status` and `mailmig report` list
    /// them with the reason), failed passes included.
    public var skippedMessages = 0
    /// Batches whose error budget this apply spent, so that none of their steps started after that.
    public var exhaustedBudgets: [BudgetExhaustion] = []
    /// Servers that throttled this apply, and how the connections to them adapted.
    public var throttling: [ServerThrottling] = []
    /// Why the apply stopped starting steps because its state failed (unreachable, unwritable), if it did.
    public var stateFailure: String?

    /// Steps done.
    public var done: [Entry] { entries.filter { if case .done = $0.outcome { return true } else { return false } } }
    /// Steps that failed.
    public var failed: [Entry] { entries.filter { if case .failed = $0.outcome { return true } else { return false } } }
    /// Steps waiting for the operator.
    public var waiting: [Entry] { entries.filter { if case .waiting = $0.outcome { return true } else { return false } } }
    /// What the operator must set by hand, in plan order.
    public var checklist: [DNSChecklistItem] { entries.compactMap { if case .waiting(let item) = $0.outcome { return item } else { return nil } } }
    /// Steps never started.
    public var notStarted: [Entry] { entries.filter { $0.outcome == .notStarted } }

    /// Whether everything was done or waits for the operator.
    public var succeeded: Bool { failed.isEmpty && notStarted.isEmpty }

    /// `Applied 7/12: ✓ 7 done, ✗ 1 failed, ○ 4 not started`, and the messages skipped when there are any:
    /// `; 2 messages skipped on purpose (mailmig status says why)`.
    public var summaryLine: String {
        var line = "Applied \(done.count)/\(entries.count): ✓ \(done.count) done, "
        if !waiting.isEmpty { line += "⧗ \(waiting.count) waiting for the operator, " }
        line += "✗ \(failed.count) failed, ○ \(notStarted.count) not started"
        for spent in exhaustedBudgets { line += "; \(spent)" }
        if stateFailure != nil { line += "; stopped: the state failed" }
        for server in throttling { line += "; \(server.line)" }
        guard skippedMessages > 0 else { return line }
        return line + "; \(Formatting.count(skippedMessages)) message\(skippedMessages == 1 ? "" : "s") skipped on purpose (mailmig status says why)"
    }
}
