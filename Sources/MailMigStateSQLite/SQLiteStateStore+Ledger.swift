import Foundation
import GRDB
import MailMigCore

extension SQLiteStateStore {
    /// The source messages of a folder already in the ledger, by unique identifier.
    public func ledgerUIDs(mailbox: String, folder: String, uidValidity: UInt32) throws(StateError) -> Set<MessageKey> {
        try readStatement { db in
            let keys = try String.fetchAll(db.cachedStatement(sql: "SELECT uid FROM ledger WHERE mailbox = ? AND folder = ? AND uidvalidity = ?"),
                                           arguments: [mailbox, folder, Int64(uidValidity)])
            return Set(keys.compactMap(MessageKey.init(storageText:)))
        }
    }

    /// Every ledger row of a mailbox (of one folder when given).
    public func ledger(mailbox: String, folder: String?) throws(StateError) -> [LedgerEntry] {
        try read { db in
            let rows: [Row]
            if let folder {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM ledger WHERE mailbox = ? AND folder = ?", arguments: [mailbox, folder])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM ledger WHERE mailbox = ?", arguments: [mailbox])
            }
            // Keys are stored as text; their order (UIDs by number) is the key's own.
            return rows.compactMap(Self.ledgerEntry(from:)).sorted { ($0.folder, $0.uidValidity, $0.uid) < ($1.folder, $1.uidValidity, $1.uid) }
        }
    }

    /// How many ledger rows a mailbox has (of one folder when given), counted without reading them.
    public func ledgerCount(mailbox: String, folder: String?) throws(StateError) -> Int {
        try readStatement { db in
            if let folder {
                return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger WHERE mailbox = ? AND folder = ?", arguments: [mailbox, folder]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger WHERE mailbox = ?", arguments: [mailbox]) ?? 0
        }
    }

    /// The ledger rows of some source messages of one folder (those that exist).
    public func ledger(mailbox: String, folder: String, uidValidity: UInt32, uids: [MessageKey]) throws(StateError) -> [LedgerEntry] {
        try read { db in
            var entries: [LedgerEntry] = []
            // SQLite limits the parameters of one statement; ask in slices.
            for start in stride(from: 0, to: uids.count, by: 500) {
                let slice = uids[start..<min(uids.count, start + 500)]
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                var arguments: [any DatabaseValueConvertible] = [mailbox, folder, Int64(uidValidity)]
                arguments += slice.map(\.storageText)
                entries += try Row.fetchAll(db, sql: "SELECT * FROM ledger WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid IN (\(marks))",
                                            arguments: StatementArguments(arguments)).compactMap(Self.ledgerEntry(from:))
            }
            return entries
        }
    }

    /// Messages and bytes in the ledger, per mailbox.
    public func ledgerTotals() throws(StateError) -> [String: (messages: Int, bytes: Int64)] {
        try read { db in
            var totals: [String: (messages: Int, bytes: Int64)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT mailbox, COUNT(*) AS n, SUM(size) AS bytes FROM ledger GROUP BY mailbox") {
                totals[row["mailbox"]] = (row["n"], row["bytes"] ?? 0)
            }
            return totals
        }
    }

    /// Records a chunk about to be appended, before the first byte goes to the target.
    public func recordPendingCopies(_ entries: [LedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { db in
            let now = SQLiteTimestamp.now()
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO copy_pending (mailbox, folder, uidvalidity, uid, message_id, size, internal_date, sha256,
                    flags, target_folder, started_at, global_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for entry in entries {
                try insert.execute(arguments: [entry.mailbox, entry.folder, Int64(entry.uidValidity), entry.uid.storageText, entry.messageID,
                                              entry.size, entry.internalDate, entry.sha256, LedgerFlagsText.encode(entry.flags), entry.targetFolder, now,
                                              entry.globalID])
            }
        }
    }

    /// Commits appended messages to the ledger and clears them from the pending chunk, in one transaction.
    public func commitCopies(_ entries: [LedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { db in
            let now = SQLiteTimestamp.now()
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO ledger (mailbox, folder, uidvalidity, uid, message_id, size, internal_date, sha256, flags,
                    target_folder, target_uidvalidity, target_uid, copied_at, global_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let deletePending = try db.cachedStatement(sql: "DELETE FROM copy_pending WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?")
            for entry in entries {
                try insert.execute(arguments: [entry.mailbox, entry.folder, Int64(entry.uidValidity), entry.uid.storageText, entry.messageID,
                                              entry.size, entry.internalDate, entry.sha256, LedgerFlagsText.encode(entry.flags), entry.targetFolder,
                                              entry.targetUIDValidity.map { Int64($0) }, entry.targetUID?.storageText, now, entry.globalID])
                try deletePending.execute(arguments: [entry.mailbox, entry.folder, Int64(entry.uidValidity), entry.uid.storageText])
            }
        }
    }

    /// Chunks left pending by an interrupted pass (of one mailbox).
    public func pendingCopies(mailbox: String) throws(StateError) -> [LedgerEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM copy_pending WHERE mailbox = ?", arguments: [mailbox])
                .compactMap(Self.ledgerEntry(from:))
                .sorted { ($0.folder, $0.uidValidity, $0.uid) < ($1.folder, $1.uidValidity, $1.uid) }
        }
    }

    /// Forgets pending entries that reconciliation found were never appended.
    public func dropPendingCopies(_ entries: [LedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { db in
            let deletePending = try db.cachedStatement(sql: "DELETE FROM copy_pending WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?")
            for entry in entries {
                try deletePending.execute(arguments: [entry.mailbox, entry.folder, Int64(entry.uidValidity), entry.uid.storageText])
            }
        }
    }

    /// Forgets ledger rows of messages whose target copy is gone, so that a pass copies them once more.
    public func forgetCopies(_ entries: [LedgerEntry]) throws(StateError) {
        guard !entries.isEmpty else { return }
        try write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM ledger WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?")
            for entry in entries {
                try delete.execute(arguments: [entry.mailbox, entry.folder, Int64(entry.uidValidity), entry.uid.storageText])
            }
        }
    }

    /// Moves ledger rows to a folder's new UIDVALIDITY, one old identifier to one new, instead of copying again.
    public func rekey(mailbox: String, folder: String, from oldValidity: UInt32, to newValidity: UInt32,
                      uids: [(old: MessageKey, new: MessageKey)]) throws(StateError) {
        guard !uids.isEmpty else { return }
        try write { db in
            let rekey = try db.cachedStatement(sql: "UPDATE ledger SET uidvalidity = ?, uid = ? WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?")
            for pair in uids {
                try rekey.execute(arguments: [Int64(newValidity), pair.new.storageText, mailbox, folder, Int64(oldValidity), pair.old.storageText])
            }
        }
    }

    /// Records the flags now carried to the target.
    public func updateLedgerFlags(mailbox: String, folder: String, uidValidity: UInt32, flags: [MessageKey: [String]]) throws(StateError) {
        guard !flags.isEmpty else { return }
        try write { db in
            let update = try db.cachedStatement(sql: "UPDATE ledger SET flags = ? WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?")
            for (uid, value) in flags {
                try update.execute(arguments: [LedgerFlagsText.encode(value), mailbox, folder, Int64(uidValidity), uid.storageText])
            }
        }
    }

    /// Records messages skipped on purpose (idempotent per message).
    public func recordSkipped(_ messages: [SkippedMessage]) throws(StateError) {
        guard !messages.isEmpty else { return }
        try write { db in
            let now = SQLiteTimestamp.now()
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO skipped (mailbox, folder, uidvalidity, uid, size, internal_date, message_id, reason, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for message in messages {
                try insert.execute(arguments: [message.mailbox, message.folder, Int64(message.uidValidity), message.uid.storageText, message.size,
                                              message.internalDate, message.messageID, message.reason, now])
            }
        }
    }

    /// The messages of a folder skipped on purpose, so later passes do not try them again.
    public func skippedUIDs(mailbox: String, folder: String, uidValidity: UInt32) throws(StateError) -> Set<MessageKey> {
        try readStatement { db in
            let keys = try String.fetchAll(db.cachedStatement(sql: "SELECT uid FROM skipped WHERE mailbox = ? AND folder = ? AND uidvalidity = ?"),
                                           arguments: [mailbox, folder, Int64(uidValidity)])
            return Set(keys.compactMap(MessageKey.init(storageText:)))
        }
    }

    /// Messages of a target folder that the ledger already accounts for, by unique identifier.
    public func targetUIDs(mailbox: String, targetFolder: String, targetUIDValidity: UInt32) throws(StateError) -> Set<MessageKey> {
        try readStatement { db in
            let keys = try String.fetchAll(db, sql: """
                SELECT target_uid FROM ledger WHERE mailbox = ? AND target_folder = ? AND target_uidvalidity = ? AND target_uid IS NOT NULL
                """, arguments: [mailbox, targetFolder, Int64(targetUIDValidity)])
            return Set(keys.compactMap(MessageKey.init(storageText:)))
        }
    }

    /// Skipped messages, of one mailbox when given.
    public func skipped(mailbox: String?) throws(StateError) -> [SkippedMessage] {
        try read { db in
            let rows = try mailbox.map { try Row.fetchAll(db, sql: "SELECT * FROM skipped WHERE mailbox = ?", arguments: [$0]) }
                ?? Row.fetchAll(db, sql: "SELECT * FROM skipped")
            return rows.compactMap { row -> SkippedMessage? in
                guard let key = MessageKey(storageText: row["uid"]) else { return nil }
                return SkippedMessage(mailbox: row["mailbox"], folder: row["folder"], uidValidity: UInt32(truncatingIfNeeded: row["uidvalidity"] as Int64),
                                      uid: key, size: row["size"], internalDate: row["internal_date"],
                                      messageID: row["message_id"], reason: row["reason"])
            }.sorted { ($0.mailbox, $0.folder, $0.uid) < ($1.mailbox, $1.folder, $1.uid) }
        }
    }

    /// A ledger or pending row; nil for a key no release writes (the row is left alone, not misread).
    static func ledgerEntry(from row: Row) -> LedgerEntry? {
        guard let key = MessageKey(storageText: row["uid"]) else { return nil }
        let flagsText: String = row["flags"]
        let flags = LedgerFlagsText.decode(flagsText)
        let targetValidity: Int64? = row["target_uidvalidity"]
        let targetKey: String? = row["target_uid"]
        return LedgerEntry(
            mailbox: row["mailbox"], folder: row["folder"], uidValidity: UInt32(truncatingIfNeeded: row["uidvalidity"] as Int64),
            uid: key, messageID: row["message_id"], size: row["size"],
            internalDate: row["internal_date"], sha256: row["sha256"], flags: flags, targetFolder: row["target_folder"],
            targetUIDValidity: targetValidity.map { UInt32(truncatingIfNeeded: $0) }, targetUID: targetKey.flatMap(MessageKey.init(storageText:)),
            globalID: row["global_id"])
    }
}
