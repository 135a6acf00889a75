import Foundation
import GRDB
import MailMigCore

extension SQLiteStateStore {
    /// Every item row of a mailbox, ordered by collection and href.
    public func itemLedger(mailbox: String) throws(StateError) -> [ItemLedgerEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM item_ledger WHERE mailbox = ? ORDER BY collection, href", arguments: [mailbox]).compactMap { row in
                guard let kind = CollectionKind(rawValue: row["kind"]) else { return nil }
                return ItemLedgerEntry(mailbox: row["mailbox"], collection: row["collection"], href: row["href"], kind: kind, uid: row["uid"],
                                       sourceETag: row["source_etag"], targetCollection: row["target_collection"], targetHref: row["target_href"],
                                       targetETag: row["target_etag"], pending: (row["pending"] as Int64) != 0, conflict: row["conflict"],
                                       updatedAt: row["updated_at"])
            }
        }
    }

    /// Writes item rows in one transaction, each replacing the row of the same key.
    public func recordItems(_ entries: [ItemLedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO item_ledger (mailbox, collection, href, kind, uid, source_etag, target_collection, target_href,
                    target_etag, pending, conflict, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for entry in entries {
                try insert.execute(arguments: [entry.mailbox, entry.collection, entry.href, entry.kind.rawValue, entry.uid, entry.sourceETag,
                                              entry.targetCollection, entry.targetHref, entry.targetETag, entry.pending ? 1 : 0, entry.conflict,
                                              entry.updatedAt])
            }
        }
    }
}
