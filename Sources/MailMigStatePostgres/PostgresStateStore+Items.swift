import Foundation
import MailMigCore
import PostgresNIO

extension PostgresStateStore {
    /// Every item row of a mailbox, ordered by collection and href.
    public func itemLedger(mailbox: String) throws(StateError) -> [ItemLedgerEntry] {
        try read { session in
            let rows = try session.query("""
                SELECT mailbox, collection, href, kind, uid, source_etag, target_collection, target_href, target_etag, pending, conflict,
                    updated_at FROM item_ledger WHERE mailbox = \(mailbox) ORDER BY collection, href
                """)
            return try rows.compactMap { row -> ItemLedgerEntry? in
                let (mailbox, collection, href, kind, uid, sourceETag, targetCollection, targetHref, targetETag, pending, conflict, updatedAt)
                    = try row.decode((String, String, String, String, String, String, String, String, String?, Int64, String?, Date).self)
                guard let kind = CollectionKind(rawValue: kind) else { return nil }
                return ItemLedgerEntry(mailbox: mailbox, collection: collection, href: href, kind: kind, uid: uid, sourceETag: sourceETag,
                                       targetCollection: targetCollection, targetHref: targetHref, targetETag: targetETag, pending: pending != 0,
                                       conflict: conflict, updatedAt: updatedAt)
            }
        }
    }

    /// Writes item rows in one transaction, each replacing the row of the same key.
    public func recordItems(_ entries: [ItemLedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { session in
            try session.run(entries.map { entry in
                """
                INSERT INTO item_ledger (mailbox, collection, href, kind, uid, source_etag, target_collection, target_href, target_etag,
                    pending, conflict, updated_at)
                VALUES (\(entry.mailbox), \(entry.collection), \(entry.href), \(entry.kind.rawValue), \(entry.uid), \(entry.sourceETag),
                    \(entry.targetCollection), \(entry.targetHref), \(entry.targetETag), \(Int64(entry.pending ? 1 : 0)), \(entry.conflict),
                    \(entry.updatedAt))
                ON CONFLICT (mailbox, collection, href) DO UPDATE SET kind = excluded.kind, uid = excluded.uid,
                    source_etag = excluded.source_etag, target_collection = excluded.target_collection, target_href = excluded.target_href,
                    target_etag = excluded.target_etag, pending = excluded.pending, conflict = excluded.conflict, updated_at = excluded.updated_at
                """
            })
        }
    }
}
