import Foundation

/// A message that was not copied on purpose, with the reason reported in plan, status and report.
public struct SkippedMessage: Sendable, Equatable, Codable {
    /// The source address of the mailbox.
    public var mailbox: String
    /// The source folder.
    public var folder: String
    /// UIDVALIDITY of the folder.
    public var uidValidity: UInt32
    /// The message's unique identifier in the source folder.
    public var uid: MessageKey
    /// Size in bytes.
    public var size: Int
    /// INTERNALDATE as sent.
    public var internalDate: String?
    /// Message-ID, if known.
    public var messageID: String?
    /// Why: "larger than filters.max_message_size (35MB)", "contains NUL bytes and the target does not offer BINARY".
    public var reason: String

    /// Creates a record.
    public init(mailbox: String, folder: String, uidValidity: UInt32, uid: MessageKey, size: Int, internalDate: String?,
                messageID: String?, reason: String) {
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.uid = uid
        self.size = size
        self.internalDate = internalDate
        self.messageID = messageID
        self.reason = reason
    }
}
