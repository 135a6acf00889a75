import Foundation
import GRDB
import MailMigCore

extension SQLiteStateStore {
    /// Records what the target changed (idempotent per message and attribute).
    public func recordTargetRewrites(_ rewrites: [TargetRewrite]) throws(StateError) {
        guard !rewrites.isEmpty else { return }
        try write { db in
            let now = SQLiteTimestamp.now()
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO target_rewrite (mailbox, folder, uidvalidity, uid, attribute, sent, stored, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for rewrite in rewrites {
                try insert.execute(arguments: [rewrite.mailbox, rewrite.folder, Int64(rewrite.uidValidity), rewrite.uid.storageText,
                                              rewrite.attribute.rawValue, rewrite.sent, rewrite.stored, now])
            }
        }
    }

    /// What the target changed in one mailbox (of one folder when given).
    public func targetRewrites(mailbox: String, folder: String?) throws(StateError) -> [TargetRewrite] {
        try read { db in
            let rows = try folder.map {
                try Row.fetchAll(db, sql: "SELECT * FROM target_rewrite WHERE mailbox = ? AND folder = ?", arguments: [mailbox, $0])
            } ?? Row.fetchAll(db, sql: "SELECT * FROM target_rewrite WHERE mailbox = ?", arguments: [mailbox])
            return rows.compactMap { row -> TargetRewrite? in
                guard let attribute = TargetRewrite.Attribute(rawValue: row["attribute"]), let key = MessageKey(storageText: row["uid"]) else { return nil }
                return TargetRewrite(mailbox: row["mailbox"], folder: row["folder"], uidValidity: UInt32(truncatingIfNeeded: row["uidvalidity"] as Int64),
                                     uid: key, attribute: attribute, sent: row["sent"], stored: row["stored"])
            }.sorted { ($0.folder, $0.uid, $0.attribute.rawValue) < ($1.folder, $1.uid, $1.attribute.rawValue) }
        }
    }
}
