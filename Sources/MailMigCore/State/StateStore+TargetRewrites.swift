import Foundation
import GRDB

/// An attribute the target stored differently from what mailmig sent with APPEND.
///
/// Some servers cannot keep every value: Dovecot stores "now" for an INTERNALDATE from 2038-01-19 on
/// and misreads dates before 1970; a server without `\*` in PERMANENTFLAGS drops keywords. mailmig
/// sent the source's value faithfully; the target's own value is recorded, so `verify` reports it as
/// a limit of the server instead of failing on it for ever.
public struct TargetRewrite: Sendable, Equatable, Codable {
    /// What was changed.
    public enum Attribute: String, Sendable, Codable {
        /// INTERNALDATE.
        case internalDate = "internal-date"
        /// Flags and keywords.
        case flags
    }

    /// The source address of the mailbox.
    public var mailbox: String
    /// The source folder, plan form.
    public var folder: String
    /// The source folder's UIDVALIDITY.
    public var uidValidity: UInt32
    /// The source UID.
    public var uid: UInt32
    /// Which attribute.
    public var attribute: Attribute
    /// The value sent (INTERNALDATE text, or flags joined by spaces).
    public var sent: String
    /// The value the target stored.
    public var stored: String

    /// Creates a record.
    public init(mailbox: String, folder: String, uidValidity: UInt32, uid: UInt32, attribute: Attribute, sent: String, stored: String) {
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.uid = uid
        self.attribute = attribute
        self.sent = sent
        self.stored = stored
    }
}

extension StateStore {
    /// Records what the target changed (idempotent per message and attribute).
    public func recordTargetRewrites(_ rewrites: [TargetRewrite]) throws(StateError) {
        guard !rewrites.isEmpty else { return }
        try write { db in
            let now = Date()
            for rewrite in rewrites {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO target_rewrite (mailbox, folder, uidvalidity, uid, attribute, sent, stored, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [rewrite.mailbox, rewrite.folder, Int64(rewrite.uidValidity), Int64(rewrite.uid),
                                     rewrite.attribute.rawValue, rewrite.sent, rewrite.stored, now])
            }
        }
    }

    /// What the target changed in one mailbox (of one folder when given).
    public func targetRewrites(mailbox: String, folder: String? = nil) throws(StateError) -> [TargetRewrite] {
        try read { db in
            let rows = try folder.map {
                try Row.fetchAll(db, sql: "SELECT * FROM target_rewrite WHERE mailbox = ? AND folder = ? ORDER BY uid", arguments: [mailbox, $0])
            } ?? Row.fetchAll(db, sql: "SELECT * FROM target_rewrite WHERE mailbox = ? ORDER BY folder, uid", arguments: [mailbox])
            return rows.compactMap { row in
                guard let attribute = TargetRewrite.Attribute(rawValue: row["attribute"]) else { return nil }
                return TargetRewrite(mailbox: row["mailbox"], folder: row["folder"], uidValidity: UInt32(truncatingIfNeeded: row["uidvalidity"] as Int64),
                                     uid: UInt32(truncatingIfNeeded: row["uid"] as Int64), attribute: attribute, sent: row["sent"], stored: row["stored"])
            }
        }
    }
}
