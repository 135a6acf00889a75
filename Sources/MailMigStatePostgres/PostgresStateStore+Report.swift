import Foundation
import MailMigCore
import PostgresNIO

extension PostgresStateStore {
    /// Every change of resources of one kind, oldest first (the audit trail a report shows).
    public func history(kind: String) throws(StateError) -> [HistoryEntry] {
        try read { session in
            try session.query("SELECT \(unescaped: Self.historyColumns) FROM history WHERE kind = \(kind) ORDER BY id")
                .map(Self.historyEntry(from:))
        }
    }

    /// Every apply and rollback, oldest first.
    public func allApplies() throws(StateError) -> [ApplyRecord] {
        try read { session in
            try session.query("SELECT \(unescaped: Self.applyColumns) FROM applies ORDER BY started_at, seq")
                .map(Self.applyRecord(from:))
        }
    }

    /// Messages of interrupted chunks still pending reconciliation, per mailbox.
    public func pendingCopyCounts() throws(StateError) -> [String: Int] {
        try read { session in
            var counts: [String: Int] = [:]
            for row in try session.query("SELECT mailbox, COUNT(*) FROM copy_pending GROUP BY mailbox") {
                let (mailbox, count) = try row.decode((String, Int).self)
                counts[mailbox] = count
            }
            return counts
        }
    }
}
