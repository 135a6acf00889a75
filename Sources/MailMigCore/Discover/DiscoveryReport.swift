import Foundation

/// What `mailmig discover` found on the source: per mailbox its folders, and the risks.
public struct DiscoveryReport: Sendable, Equatable, Codable {
    /// The mailboxes looked at: the plan's, then those only `source.enumerate` listed.
    public var mailboxes: [DiscoveredMailbox]
    /// The target's hierarchy delimiter, when a target login succeeded (used to check folder names).
    public var targetDelimiter: String?
    /// Remarks about the run itself (the enumerate command failed, the target delimiter is unknown).
    public var notes: [String]

    /// Every risk, mailbox by mailbox.
    public var risks: [DiscoveryRisk] { mailboxes.flatMap(\.risks) }
}

/// One mailbox of the source.
public struct DiscoveredMailbox: Sendable, Equatable, Codable {
    /// The source address.
    public var source: String
    /// The target address (the source address when the plan does not list the mailbox).
    public var target: String
    /// Whether the plan lists it (otherwise only `source.enumerate` did).
    public var inPlan: Bool
    /// Why logging in or reading failed, naming server and mailbox.
    public var error: String?
    /// The folders, as the server lists them.
    public var folders: [DiscoveredFolder]
    /// What may make its migration hard.
    public var risks: [DiscoveryRisk]

    /// Messages over all folders.
    public var messages: Int { folders.filter { $0.namespace == nil }.reduce(0) { $0 + $1.messages } }
    /// Bytes over all folders.
    public var bytes: Int64 { folders.filter { $0.namespace == nil }.reduce(0) { $0 + $1.bytes } }
}

/// One folder of a source mailbox.
public struct DiscoveredFolder: Sendable, Equatable, Codable {
    /// The folder in plan form (`/` between levels).
    public var path: String
    /// Its levels as the server separates them (a level may itself contain `/`).
    public var levels: [String]
    /// The SPECIAL-USE role, if any.
    public var specialUse: String?
    /// Whether it can hold messages.
    public var selectable: Bool
    /// Messages (STATUS MESSAGES).
    public var messages: Int
    /// Bytes (sum of RFC822.SIZE).
    public var bytes: Int64
    /// Messages larger than `filters.max_message_size` (SEARCH LARGER), with their sizes.
    public var oversize: [OversizeMessage]
    /// How the server shows the folder where its path alone would mislead (`FolderListing.shownName`).
    public var shownName: String?
    /// The server's answer when it refused to open the folder (its sizes are then unknown).
    public var unreadable: String?
    /// The namespace when it is not the mailbox's own (other users' or shared folders, RFC 2342);
    /// such folders are not counted in the mailbox's totals.
    public var namespace: OtherNamespace.Kind? = nil
}

/// A message too large to be copied.
public struct OversizeMessage: Sendable, Equatable, Codable {
    /// Its unique identifier in the folder (a UID for IMAP).
    public var uid: MessageKey
    /// Its size in bytes.
    public var size: Int64
}

/// Something that may make a mailbox's migration slow, lossy or impossible.
public struct DiscoveryRisk: Sendable, Equatable, Codable {
    /// The kind of risk.
    public enum Kind: String, Sendable, Codable {
        /// Logging in (or reading the mailbox) failed.
        case loginFailed = "login-failed"
        /// The mailbox holds at least 50 GB.
        case largeMailbox = "large-mailbox"
        /// The trash holds at least 30 GB.
        case largeTrash = "large-trash"
        /// More than 500,000 messages.
        case manyItems = "many-items"
        /// A folder name the target cannot hold as it is.
        case folderName = "folder-name"
        /// A folder the source refused to open; an apply copies the others and fails naming it.
        case unreadableFolder = "unreadable-folder"
        /// Messages over the plan's size limit, which will be skipped.
        case oversize
    }

    /// The kind.
    public var kind: Kind
    /// The source address.
    public var mailbox: String
    /// The folder, when the risk concerns one.
    public var folder: String?
    /// One sentence saying what and why.
    public var message: String
}

/// The limits beyond which discover flags a mailbox.
public struct DiscoveryThresholds: Sendable, Equatable {
    /// A mailbox this large or larger is flagged (50 GB).
    public var mailboxBytes: Int64 = 50_000_000_000
    /// A trash folder this large or larger is flagged (30 GB).
    public var trashBytes: Int64 = 30_000_000_000
    /// More messages than this are flagged (500,000).
    public var items: Int = 500_000
    /// Longest folder name a target holds, in bytes (255).
    public var nameBytes: Int = 255

    /// The standard limits.
    public init() {}
}
