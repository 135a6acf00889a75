import Foundation
import GRDB
import MailMigCore

extension SQLiteStateStore {
    /// Records the start of an apply.
    public func beginApply(id: String, operation: String) throws(StateError) {
        try write { db in
            let serial = try Int(String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'serial'") ?? "0") ?? 0
            try db.execute(sql: "INSERT INTO applies (id, operation, status, started_at, serial_before) VALUES (?, ?, 'running', ?, ?)",
                           arguments: [id, operation, SQLiteTimestamp.now(), serial])
        }
    }

    /// Records the end of an apply.
    public func finishApply(id: String, status: String, summary: String) throws(StateError) {
        try write { db in
            let serial = try Int(String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'serial'") ?? "0") ?? 0
            try db.execute(sql: "UPDATE applies SET status = ?, finished_at = ?, serial_after = ?, summary = ? WHERE id = ?",
                           arguments: [status, SQLiteTimestamp.now(), serial, summary, id])
        }
    }

    /// Writes a step as pending before it touches anything outside.
    public func journalPending(applyID: String, stepID: String, address: String, step: Data) throws(StateError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO journal (apply_id, step_id, address, status, step, started_at) VALUES (?, ?, ?, 'pending', ?, ?)
                ON CONFLICT(apply_id, step_id) DO UPDATE SET status = 'pending', step = excluded.step, error = NULL
                """, arguments: [applyID, stepID, address, step, SQLiteTimestamp.now()])
        }
    }

    /// Marks a step done and commits its resource changes in the same transaction.
    @discardableResult
    public func journalDone(applyID: String, stepID: String, changes: [ResourceChange]) throws(StateError) -> Int {
        try write { db in
            let serial = try Self.commit(changes, applyID: applyID, in: db)
            try db.execute(sql: "UPDATE journal SET status = 'done', finished_at = ? WHERE apply_id = ? AND step_id = ?",
                           arguments: [SQLiteTimestamp.now(), applyID, stepID])
            return serial
        }
    }

    /// Marks a step failed (or skipped) with its reason.
    public func journalFinish(applyID: String, stepID: String, status: StepStatus, error: String?) throws(StateError) {
        try write { db in
            try db.execute(sql: "UPDATE journal SET status = ?, error = ?, finished_at = ? WHERE apply_id = ? AND step_id = ?",
                           arguments: [status.rawValue, error, SQLiteTimestamp.now(), applyID, stepID])
        }
    }

    /// Steps left pending by an apply that did not finish (a crash or a kill).
    public func pendingSteps() throws(StateError) -> [JournalEntry] {
        try journal(where: "status = 'pending'")
    }

    /// The journal of one apply, in order.
    public func journal(applyID: String) throws(StateError) -> [JournalEntry] {
        try journal(where: "apply_id = ?", arguments: [applyID])
    }

    private func journal(where condition: String, arguments: StatementArguments = []) throws(StateError) -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM journal WHERE \(condition) ORDER BY id", arguments: arguments).map { row in
                JournalEntry(applyID: row["apply_id"], stepID: row["step_id"], address: row["address"],
                             status: StepStatus(rawValue: row["status"]) ?? .failed, step: row["step"], error: row["error"])
            }
        }
    }

    /// Applies, newest first, at most `limit`.
    public func applies(limit: Int) throws(StateError) -> [ApplyRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM applies ORDER BY started_at DESC, rowid DESC LIMIT ?", arguments: [limit]).map { row in
                ApplyRecord(id: row["id"], operation: row["operation"], status: row["status"], startedAt: row["started_at"],
                            finishedAt: row["finished_at"], serialBefore: row["serial_before"], serialAfter: row["serial_after"])
            }
        }
    }

    /// Marks applies still `running` as interrupted: their process is gone, since we hold the lock.
    public func markInterruptedApplies() throws(StateError) {
        try write { db in
            // Its steps may have committed changes: record the serial it reached, so rollback can undo them.
            let serial = try Int(String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'serial'") ?? "0") ?? 0
            try db.execute(sql: "UPDATE applies SET status = 'interrupted', finished_at = ?, serial_after = ? WHERE status = 'running'",
                           arguments: [SQLiteTimestamp.now(), serial])
        }
    }
}
