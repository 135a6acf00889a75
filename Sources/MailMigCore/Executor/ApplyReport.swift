/// What became of every step of an apply; printed at the end and when it stops half-way.
public struct ApplyReport: Sendable, Equatable {
    /// The outcome of one step.
    public enum Outcome: Sendable, Equatable {
        case done(warnings: [String])
        case failed(String)
        case notStarted
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

    /// Steps done.
    public var done: [Entry] { entries.filter { if case .done = $0.outcome { return true } else { return false } } }
    /// Steps that failed.
    public var failed: [Entry] { entries.filter { if case .failed = $0.outcome { return true } else { return false } } }
    /// Steps never started.
    public var notStarted: [Entry] { entries.filter { $0.outcome == .notStarted } }

    /// Whether everything was done.
    public var succeeded: Bool { failed.isEmpty && notStarted.isEmpty }

    /// `Applied 7/12: ✓ 7 done, ✗ 1 failed, ○ 4 not started`.
    public var summaryLine: String {
        "Applied \(done.count)/\(entries.count): ✓ \(done.count) done, ✗ \(failed.count) failed, ○ \(notStarted.count) not started"
    }
}
