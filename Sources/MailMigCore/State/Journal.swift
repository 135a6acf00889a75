import Foundation

/// The outcome of a journaled step.
public enum StepStatus: String, Sendable, Codable {
    /// Recorded before the step runs; still pending after a crash means "find out what happened".
    case pending
    /// Finished; its resource changes are committed in the same transaction.
    case done
    /// Failed; nothing of it was committed.
    case failed
    /// Never started because the apply stopped first.
    case skipped
    /// Waiting for the operator to set records by hand; a later apply checks them.
    case waiting
}

/// One journal row: a step of an apply and what became of it.
public struct JournalEntry: Sendable, Equatable {
    /// The apply it belongs to.
    public var applyID: String
    /// The step's id within its apply.
    public var stepID: String
    /// The resource it changes.
    public var address: String
    /// Where it stands.
    public var status: StepStatus
    /// The step itself (JSON), including what it expected to find and what it writes.
    public var step: Data
    /// The error, when it failed.
    public var error: String?

    /// Creates an entry, as a state store reads it back.
    public init(applyID: String, stepID: String, address: String, status: StepStatus, step: Data, error: String?) {
        self.applyID = applyID
        self.stepID = stepID
        self.address = address
        self.status = status
        self.step = step
        self.error = error
    }
}

/// One run of `apply` or `rollback`.
public struct ApplyRecord: Sendable, Equatable {
    /// Its id.
    public var id: String
    /// `apply` or `rollback`.
    public var operation: String
    /// `running`, `succeeded`, `failed`, `interrupted`.
    public var status: String
    /// When it started.
    public var startedAt: Date
    /// When it ended.
    public var finishedAt: Date?
    /// The serial it started from.
    public var serialBefore: Int
    /// The serial it left.
    public var serialAfter: Int?

    /// Creates a record, as a state store reads it back.
    public init(id: String, operation: String, status: String, startedAt: Date, finishedAt: Date?, serialBefore: Int, serialAfter: Int?) {
        self.id = id
        self.operation = operation
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.serialBefore = serialBefore
        self.serialAfter = serialAfter
    }
}
