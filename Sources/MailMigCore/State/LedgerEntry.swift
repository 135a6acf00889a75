import Foundation

/// One message copied by mailmig: where it came from, what it was, and where it went.
///
/// The ledger is the truth of exactly-once copying: a source message (mailbox, folder, UIDVALIDITY,
/// unique identifier as its store defines it) with a ledger row is never appended again, and only messages in the ledger may ever be removed
/// from a target by mailmig.
public struct LedgerEntry: Sendable, Equatable, Codable {
    /// The source address of the mailbox.
    public var mailbox: String
    /// The source folder, in plan form (`/` between levels).
    public var folder: String
    /// The source folder's UIDVALIDITY when it was copied.
    public var uidValidity: UInt32
    /// The message's unique identifier in the source folder (an IMAP UID, a POP3 unique-id).
    public var uid: MessageKey
    /// The Message-ID header, when the message has one.
    public var messageID: String?
    /// Size in bytes.
    public var size: Int
    /// The INTERNALDATE exactly as the source server sent it.
    public var internalDate: String
    /// SHA-256 of the message bytes, hex.
    public var sha256: String
    /// Flags and keywords as last carried to the target.
    public var flags: [String]
    /// The target folder, in plan form.
    public var targetFolder: String
    /// The target folder's UIDVALIDITY (from APPENDUID), when the target reports it.
    public var targetUIDValidity: UInt32?
    /// The message's unique identifier on the target (from APPENDUID), when the target reports it.
    public var targetUID: MessageKey?
    /// The source store's own id of the message, the same in every folder that shows it (Gmail's
    /// X-GM-MSGID, `MessageLabels.id`); nil for a store without one.
    public var globalID: String?

    /// Creates an entry.
    public init(mailbox: String, folder: String, uidValidity: UInt32, uid: MessageKey, messageID: String?, size: Int,
                internalDate: String, sha256: String, flags: [String], targetFolder: String,
                targetUIDValidity: UInt32?, targetUID: MessageKey?, globalID: String? = nil) {
        self.globalID = globalID
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.uid = uid
        self.messageID = messageID
        self.size = size
        self.internalDate = internalDate
        self.sha256 = sha256
        self.flags = flags
        self.targetFolder = targetFolder
        self.targetUIDValidity = targetUIDValidity
        self.targetUID = targetUID
    }
}
