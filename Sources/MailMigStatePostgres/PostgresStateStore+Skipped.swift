import Foundation
import MailMigCore
import PostgresNIO

extension PostgresStateStore {
    /// Records messages skipped on purpose (idempotent per message).
    public func recordSkipped(_ messages: [SkippedMessage]) throws(StateError) {
        guard !messages.isEmpty else { return }
        try write { session in
            let now = Date()
            try session.run(messages.map { message in
                """
                INSERT INTO skipped (mailbox, folder, uidvalidity, uid, size, internal_date, message_id, reason, at)
                VALUES (\(message.mailbox), \(message.folder), \(Int64(message.uidValidity)), \(message.uid.storageText), \(message.size),
                    \(message.internalDate), \(message.messageID), \(message.reason), \(now))
                ON CONFLICT (mailbox, folder, uidvalidity, uid) DO UPDATE SET size = excluded.size, internal_date = excluded.internal_date,
                    message_id = excluded.message_id, reason = excluded.reason, at = excluded.at
                """
            })
        }
    }

    /// The messages of a folder skipped on purpose, so later passes do not try them again.
    public func skippedUIDs(mailbox: String, folder: String, uidValidity: UInt32) throws(StateError) -> Set<MessageKey> {
        try read { session in
            try Self.keys(session.query("""
                SELECT uid FROM skipped WHERE mailbox = \(mailbox) AND folder = \(folder) AND uidvalidity = \(Int64(uidValidity))
                """))
        }
    }

    /// Skipped messages, of one mailbox when given.
    public func skipped(mailbox: String?) throws(StateError) -> [SkippedMessage] {
        try read { session in
            let columns = "mailbox, folder, uidvalidity, uid, size, internal_date, message_id, reason"
            let rows = try mailbox.map { try session.query("SELECT \(unescaped: columns) FROM skipped WHERE mailbox = \($0)") }
                ?? session.query("SELECT \(unescaped: columns) FROM skipped")
            return try rows.compactMap { row -> SkippedMessage? in
                let (mailbox, folder, validity, uid, size, internalDate, messageID, reason)
                    = try row.decode((String, String, Int64, String, Int, String?, String?, String).self)
                guard let key = MessageKey(storageText: uid) else { return nil }
                return SkippedMessage(mailbox: mailbox, folder: folder, uidValidity: UInt32(truncatingIfNeeded: validity), uid: key, size: size,
                                      internalDate: internalDate, messageID: messageID, reason: reason)
            }.sorted { ($0.mailbox, $0.folder, $0.uid) < ($1.mailbox, $1.folder, $1.uid) }
        }
    }
}
