import Foundation
import MailMigCore
import PostgresNIO

extension PostgresStateStore {
    /// Records the start of an apply.
    public func beginApply(id: String, operation: String) throws(StateError) {
        try write { session in
            // A plain apply replaces a shared one whose coordinator died: its workers leave it.
            try Self.closeOtherApplies(than: id, in: session)
            let serial = try Self.serial(in: session)
            try session.query("""
                INSERT INTO applies (id, operation, status, started_at, serial_before)
                VALUES (\(id), \(operation), 'running', \(Date()), \(serial))
                """)
        }
    }

    /// Records the end of an apply.
    public func finishApply(id: String, status: String, summary: String) throws(StateError) {
        try write { session in
            let serial = try Self.serial(in: session)
            try session.query("""
                UPDATE applies SET status = \(status), finished_at = \(Date()), serial_after = \(serial), summary = \(summary)
                WHERE id = \(id)
                """)
        }
    }

    /// Writes a step as pending before it touches anything outside.
    public func journalPending(applyID: String, stepID: String, address: String, step: Data) throws(StateError) {
        try write { session in
            try session.query(try """
                INSERT INTO journal (apply_id, step_id, address, status, step, started_at)
                VALUES (\(applyID), \(stepID), \(address), 'pending', \(step), \(Date()))
                ON CONFLICT (apply_id, step_id) DO UPDATE SET status = 'pending', step = excluded.step, error = NULL
                """)
        }
    }

    /// Marks a step done and commits its resource changes in the same transaction; returns the serial.
    @discardableResult
    public func journalDone(applyID: String, stepID: String, changes: [ResourceChange]) throws(StateError) -> Int {
        try write { session in
            let serial = try Self.commit(changes, applyID: applyID, in: session)
            try session.query("""
                UPDATE journal SET status = 'done', finished_at = \(Date()) WHERE apply_id = \(applyID) AND step_id = \(stepID)
                """)
            return serial
        }
    }

    /// Marks a step failed (or skipped) with its reason.
    public func journalFinish(applyID: String, stepID: String, status: StepStatus, error: String?) throws(StateError) {
        try write { session in
            try session.query("""
                UPDATE journal SET status = \(status.rawValue), error = \(error), finished_at = \(Date())
                WHERE apply_id = \(applyID) AND step_id = \(stepID)
                """)
        }
    }

    /// Steps left pending by an apply that did not finish (a crash or a kill).
    public func pendingSteps() throws(StateError) -> [JournalEntry] {
        try read { session in
            try session.query("SELECT \(unescaped: Self.journalColumns) FROM journal WHERE status = 'pending' ORDER BY id")
                .map(Self.journalEntry(from:))
        }
    }

    /// The journal of one apply, in order.
    public func journal(applyID: String) throws(StateError) -> [JournalEntry] {
        try read { session in
            try session.query("SELECT \(unescaped: Self.journalColumns) FROM journal WHERE apply_id = \(applyID) ORDER BY id")
                .map(Self.journalEntry(from:))
        }
    }

    /// Applies, newest first, at most `limit`.
    public func applies(limit: Int) throws(StateError) -> [ApplyRecord] {
        try read { session in
            try session.query("SELECT \(unescaped: Self.applyColumns) FROM applies ORDER BY started_at DESC, seq DESC LIMIT \(limit)")
                .map(Self.applyRecord(from:))
        }
    }

    /// Marks applies still `running` as interrupted: their process is gone, since the caller holds the lock.
    public func markInterruptedApplies() throws(StateError) {
        try write { session in
            // Its steps may have committed changes: record the serial it reached, so rollback can undo them.
            let serial = try Self.serial(in: session)
            try session.query("""
                UPDATE applies SET status = 'interrupted', finished_at = \(Date()), serial_after = \(serial) WHERE status = 'running'
                """)
        }
    }

    /// The columns `applyRecord(from:)` reads, in its order.
    static let applyColumns = "id, operation, status, started_at, finished_at, serial_before, serial_after"

    /// An apply row selected with `applyColumns`.
    static func applyRecord(from row: PostgresRow) throws -> ApplyRecord {
        let (id, operation, status, startedAt, finishedAt, serialBefore, serialAfter) = try row.decode((String, String, String, Date, Date?, Int, Int?).self)
        return ApplyRecord(id: id, operation: operation, status: status, startedAt: startedAt, finishedAt: finishedAt,
                           serialBefore: serialBefore, serialAfter: serialAfter)
    }

    private static let journalColumns = "apply_id, step_id, address, status, step, error"

    private static func journalEntry(from row: PostgresRow) throws -> JournalEntry {
        let (applyID, stepID, address, status, step, error) = try row.decode((String, String, String, String, Data, String?).self)
        return JournalEntry(applyID: applyID, stepID: stepID, address: address, status: StepStatus(rawValue: status) ?? .failed,
                            step: step, error: error)
    }
}
