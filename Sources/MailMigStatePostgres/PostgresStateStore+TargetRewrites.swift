import Foundation
import MailMigCore
import PostgresNIO

extension PostgresStateStore {
    /// Records what the target changed (idempotent per message and attribute).
    public func recordTargetRewrites(_ rewrites: [TargetRewrite]) throws(StateError) {
        guard !rewrites.isEmpty else { return }
        try write { session in
            let now = Date()
            try session.run(rewrites.map { rewrite in
                """
                INSERT INTO target_rewrite (mailbox, folder, uidvalidity, uid, attribute, sent, stored, at)
                VALUES (\(rewrite.mailbox), \(rewrite.folder), \(Int64(rewrite.uidValidity)), \(rewrite.uid.storageText),
                    \(rewrite.attribute.rawValue), \(rewrite.sent), \(rewrite.stored), \(now))
                ON CONFLICT (mailbox, folder, uidvalidity, uid, attribute) DO UPDATE SET sent = excluded.sent, stored = excluded.stored,
                    at = excluded.at
                """
            })
        }
    }

    /// What the target changed in one mailbox (of one folder when given).
    public func targetRewrites(mailbox: String, folder: String?) throws(StateError) -> [TargetRewrite] {
        try read { session in
            let columns = "mailbox, folder, uidvalidity, uid, attribute, sent, stored"
            let rows = try folder.map {
                try session.query("SELECT \(unescaped: columns) FROM target_rewrite WHERE mailbox = \(mailbox) AND folder = \($0)")
            } ?? session.query("SELECT \(unescaped: columns) FROM target_rewrite WHERE mailbox = \(mailbox)")
            return try rows.compactMap { row -> TargetRewrite? in
                let (mailbox, folder, validity, uid, attributeText, sent, stored)
                    = try row.decode((String, String, Int64, String, String, String, String).self)
                guard let attribute = TargetRewrite.Attribute(rawValue: attributeText), let key = MessageKey(storageText: uid) else { return nil }
                return TargetRewrite(mailbox: mailbox, folder: folder, uidValidity: UInt32(truncatingIfNeeded: validity), uid: key,
                                     attribute: attribute, sent: sent, stored: stored)
            }.sorted { ($0.folder, $0.uid, $0.attribute.rawValue) < ($1.folder, $1.uid, $1.attribute.rawValue) }
        }
    }
}
