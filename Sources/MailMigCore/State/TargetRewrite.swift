import Foundation

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
    /// The message's unique identifier in the source folder.
    public var uid: MessageKey
    /// Which attribute.
    public var attribute: Attribute
    /// The value sent (INTERNALDATE text, or flags joined by spaces).
    public var sent: String
    /// The value the target stored.
    public var stored: String

    /// Creates a record.
    public init(mailbox: String, folder: String, uidValidity: UInt32, uid: MessageKey, attribute: Attribute, sent: String, stored: String) {
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.uid = uid
        self.attribute = attribute
        self.sent = sent
        self.stored = stored
    }
}
