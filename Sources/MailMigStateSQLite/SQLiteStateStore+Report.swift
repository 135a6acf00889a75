import Foundation
import GRDB
import MailMigCore

extension SQLiteStateStore {
    /// Every change of resources of one kind, oldest first (the audit trail a report shows).
    public func history(kind: String) throws(StateError) -> [HistoryEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM history WHERE kind = ? ORDER BY id", arguments: [kind]).map { row in
                HistoryEntry(serial: row["serial"], address: row["address"], action: row["action"], before: row["before"],
                             after: row["after"], kind: row["kind"], applyID: row["apply_id"], at: row["at"])
            }
        }
    }

    /// Every apply and rollback, oldest first.
    public func allApplies() throws(StateError) -> [ApplyRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM applies ORDER BY started_at, rowid").map { row in
                ApplyRecord(id: row["id"], operation: row["operation"], status: row["status"], startedAt: row["started_at"],
                            finishedAt: row["finished_at"], serialBefore: row["serial_before"], serialAfter: row["serial_after"])
            }
        }
    }

    /// Messages of interrupted chunks still pending reconciliation, per mailbox.
    public func pendingCopyCounts() throws(StateError) -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT mailbox, COUNT(*) AS n FROM copy_pending GROUP BY mailbox") {
                counts[row["mailbox"]] = row["n"]
            }
            return counts
        }
    }
}
