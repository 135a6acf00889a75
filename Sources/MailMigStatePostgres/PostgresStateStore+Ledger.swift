import Foundation
import MailMigCore
import PostgresNIO

extension PostgresStateStore {
    /// The source messages of a folder already in the ledger, by unique identifier.
    public func ledgerUIDs(mailbox: String, folder: String, uidValidity: UInt32) throws(StateError) -> Set<MessageKey> {
        try read { session in
            try Self.keys(session.query("""
                SELECT uid FROM ledger WHERE mailbox = \(mailbox) AND folder = \(folder) AND uidvalidity = \(Int64(uidValidity))
                """))
        }
    }

    /// Every ledger row of a mailbox (of one folder when given).
    public func ledger(mailbox: String, folder: String?) throws(StateError) -> [LedgerEntry] {
        try read { session in
            let rows: PostgresQueryResult
            if let folder {
                rows = try session.query("SELECT \(unescaped: Self.ledgerColumns) FROM ledger WHERE mailbox = \(mailbox) AND folder = \(folder)")
            } else {
                rows = try session.query("SELECT \(unescaped: Self.ledgerColumns) FROM ledger WHERE mailbox = \(mailbox)")
            }
            // Keys are stored as text; their order (UIDs by number) is the key's own.
            return try rows.compactMap(Self.ledgerEntry(from:)).sorted { ($0.folder, $0.uidValidity, $0.uid) < ($1.folder, $1.uidValidity, $1.uid) }
        }
    }

    /// How many ledger rows a mailbox has (of one folder when given), counted without reading them.
    public func ledgerCount(mailbox: String, folder: String?) throws(StateError) -> Int {
        try read { session in
            let rows: PostgresQueryResult
            if let folder {
                rows = try session.query("SELECT COUNT(*) FROM ledger WHERE mailbox = \(mailbox) AND folder = \(folder)")
            } else {
                rows = try session.query("SELECT COUNT(*) FROM ledger WHERE mailbox = \(mailbox)")
            }
            return try rows.first.map { try $0.decode(Int.self) } ?? 0
        }
    }

    /// The ledger rows of some source messages of one folder (those that exist).
    public func ledger(mailbox: String, folder: String, uidValidity: UInt32, uids: [MessageKey]) throws(StateError) -> [LedgerEntry] {
        guard !uids.isEmpty else { return [] }
        return try read { session in
            try session.query("""
                SELECT \(unescaped: Self.ledgerColumns) FROM ledger
                WHERE mailbox = \(mailbox) AND folder = \(folder) AND uidvalidity = \(Int64(uidValidity)) AND uid = ANY(\(uids.map(\.storageText)))
                """).compactMap(Self.ledgerEntry(from:))
        }
    }

    /// Messages and bytes in the ledger, per mailbox.
    public func ledgerTotals() throws(StateError) -> [String: (messages: Int, bytes: Int64)] {
        try read { session in
            var totals: [String: (messages: Int, bytes: Int64)] = [:]
            for row in try session.query("SELECT mailbox, COUNT(*), COALESCE(SUM(size), 0)::bigint FROM ledger GROUP BY mailbox") {
                let (mailbox, messages, bytes) = try row.decode((String, Int, Int64).self)
                totals[mailbox] = (messages, bytes)
            }
            return totals
        }
    }

    /// Records a chunk about to be appended, before the first byte goes to the target.
    public func recordPendingCopies(_ entries: [LedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { session in
            let now = Date()
            try session.run(entries.map { entry in
                """
                INSERT INTO copy_pending (mailbox, folder, uidvalidity, uid, message_id, size, internal_date, sha256, flags,
                    target_folder, started_at, global_id)
                VALUES (\(entry.mailbox), \(entry.folder), \(Int64(entry.uidValidity)), \(entry.uid.storageText), \(entry.messageID),
                    \(entry.size), \(entry.internalDate), \(entry.sha256), \(LedgerFlagsText.encode(entry.flags)), \(entry.targetFolder), \(now),
                    \(entry.globalID))
                ON CONFLICT (mailbox, folder, uidvalidity, uid) DO UPDATE SET message_id = excluded.message_id, size = excluded.size,
                    internal_date = excluded.internal_date, sha256 = excluded.sha256, flags = excluded.flags,
                    target_folder = excluded.target_folder, started_at = excluded.started_at, global_id = excluded.global_id
                """
            })
        }
    }

    /// Commits appended messages to the ledger and clears them from the pending chunk, in one transaction.
    public func commitCopies(_ entries: [LedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { session in
            let now = Date()
            try session.run(entries.flatMap { entry -> [PostgresQuery] in
                [
                    """
                    INSERT INTO ledger (mailbox, folder, uidvalidity, uid, message_id, size, internal_date, sha256, flags,
                        target_folder, target_uidvalidity, target_uid, copied_at, global_id)
                    VALUES (\(entry.mailbox), \(entry.folder), \(Int64(entry.uidValidity)), \(entry.uid.storageText), \(entry.messageID),
                        \(entry.size), \(entry.internalDate), \(entry.sha256), \(LedgerFlagsText.encode(entry.flags)), \(entry.targetFolder),
                        \(entry.targetUIDValidity.map { Int64($0) }), \(entry.targetUID?.storageText), \(now), \(entry.globalID))
                    ON CONFLICT (mailbox, folder, uidvalidity, uid) DO UPDATE SET message_id = excluded.message_id, size = excluded.size,
                        internal_date = excluded.internal_date, sha256 = excluded.sha256, flags = excluded.flags,
                        target_folder = excluded.target_folder, target_uidvalidity = excluded.target_uidvalidity,
                        target_uid = excluded.target_uid, copied_at = excluded.copied_at, global_id = excluded.global_id
                    """,
                    """
                    DELETE FROM copy_pending WHERE mailbox = \(entry.mailbox) AND folder = \(entry.folder)
                        AND uidvalidity = \(Int64(entry.uidValidity)) AND uid = \(entry.uid.storageText)
                    """,
                ]
            })
        }
    }

    /// Chunks left pending by an interrupted pass (of one mailbox).
    public func pendingCopies(mailbox: String) throws(StateError) -> [LedgerEntry] {
        try read { session in
            try session.query("""
                SELECT mailbox, folder, uidvalidity, uid, message_id, size, internal_date, sha256, flags, target_folder,
                    NULL::bigint, NULL::text, global_id
                FROM copy_pending WHERE mailbox = \(mailbox)
                """)
                .compactMap(Self.ledgerEntry(from:))
                .sorted { ($0.folder, $0.uidValidity, $0.uid) < ($1.folder, $1.uidValidity, $1.uid) }
        }
    }

    /// Forgets pending entries that reconciliation found were never appended.
    public func dropPendingCopies(_ entries: [LedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { session in
            try session.run(entries.map { entry in
                """
                DELETE FROM copy_pending WHERE mailbox = \(entry.mailbox) AND folder = \(entry.folder)
                    AND uidvalidity = \(Int64(entry.uidValidity)) AND uid = \(entry.uid.storageText)
                """
            })
        }
    }

    /// Forgets ledger rows of messages whose target copy is gone, so that a pass copies them once more.
    public func forgetCopies(_ entries: [LedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { session in
            try session.run(entries.map { entry in
                """
                DELETE FROM ledger WHERE mailbox = \(entry.mailbox) AND folder = \(entry.folder)
                    AND uidvalidity = \(Int64(entry.uidValidity)) AND uid = \(entry.uid.storageText)
                """
            })
        }
    }

    /// Moves ledger rows to a folder's new UIDVALIDITY, one old identifier to one new, instead of copying again.
    public func rekey(mailbox: String, folder: String, from oldValidity: UInt32, to newValidity: UInt32,
                      uids: [(old: MessageKey, new: MessageKey)]) throws(StateError) {
        guard !uids.isEmpty else { return }
        try write { session in
            // One after the other, in the given order, as the SQLite state does them.
            for pair in uids {
                try session.query("""
                    UPDATE ledger SET uidvalidity = \(Int64(newValidity)), uid = \(pair.new.storageText)
                    WHERE mailbox = \(mailbox) AND folder = \(folder) AND uidvalidity = \(Int64(oldValidity)) AND uid = \(pair.old.storageText)
                    """)
            }
        }
    }

    /// Records the flags now carried to the target.
    public func updateLedgerFlags(mailbox: String, folder: String, uidValidity: UInt32, flags: [MessageKey: [String]]) throws(StateError) {
        guard !flags.isEmpty else { return }
        try write { session in
            try session.run(flags.map { uid, value in
                """
                UPDATE ledger SET flags = \(LedgerFlagsText.encode(value))
                WHERE mailbox = \(mailbox) AND folder = \(folder) AND uidvalidity = \(Int64(uidValidity)) AND uid = \(uid.storageText)
                """
            })
        }
    }

    /// Messages of a target folder that the ledger already accounts for, by unique identifier.
    public func targetUIDs(mailbox: String, targetFolder: String, targetUIDValidity: UInt32) throws(StateError) -> Set<MessageKey> {
        try read { session in
            try Self.keys(session.query("""
                SELECT target_uid FROM ledger
                WHERE mailbox = \(mailbox) AND target_folder = \(targetFolder) AND target_uidvalidity = \(Int64(targetUIDValidity))
                    AND target_uid IS NOT NULL
                """))
        }
    }

    /// The message keys of one text column; a text no release writes is left out, not misread.
    static func keys(_ rows: PostgresQueryResult) throws -> Set<MessageKey> {
        Set(try rows.compactMap { MessageKey(storageText: try $0.decode(String.self)) })
    }

    private static let ledgerColumns = """
        mailbox, folder, uidvalidity, uid, message_id, size, internal_date, sha256, flags, target_folder, target_uidvalidity, target_uid,
        global_id
        """

    /// A ledger or pending row, in `ledgerColumns` order; nil for a key no release writes.
    private static func ledgerEntry(from row: PostgresRow) throws -> LedgerEntry? {
        let (mailbox, folder, validity, uid, messageID, size, internalDate, sha256, flagsText, targetFolder, targetValidity, targetKey, globalID)
            = try row.decode((String, String, Int64, String, String?, Int, String, String, String, String, Int64?, String?, String?).self)
        guard let key = MessageKey(storageText: uid) else { return nil }
        let flags = LedgerFlagsText.decode(flagsText)
        return LedgerEntry(mailbox: mailbox, folder: folder, uidValidity: UInt32(truncatingIfNeeded: validity), uid: key, messageID: messageID,
                           size: size, internalDate: internalDate, sha256: sha256, flags: flags, targetFolder: targetFolder,
                           targetUIDValidity: targetValidity.map { UInt32(truncatingIfNeeded: $0) },
                           targetUID: targetKey.flatMap(MessageKey.init(storageText:)), globalID: globalID)
    }
}
