/// A folder as LIST shows it, with its status when asked for.
public struct ListedFolder: Sendable, Equatable {
    /// Path, levels and role.
    public var listing: FolderListing
    /// Counts and UID facts, when asked for and given.
    public var status: FolderStatus?

    /// Creates an entry.
    public init(listing: FolderListing, status: FolderStatus?) {
        self.listing = listing
        self.status = status
    }
}

extension [ListedFolder] {
    /// Each folder's status by its path; a path listed twice keeps its first.
    public var statusByPath: [String: FolderStatus?] {
        Dictionary(map { ($0.listing.path, $0.status) }, uniquingKeysWith: { first, _ in first })
    }
}

/// What a folder's status says without opening it (RFC 3501 §6.3.10 STATUS, RFC 7162 HIGHESTMODSEQ).
public struct FolderStatus: Sendable, Equatable, Codable {
    /// Messages in the folder.
    public var messages: Int?
    /// The UID the next message will get.
    public var uidNext: UInt32?
    /// The folder's UIDVALIDITY.
    public var uidValidity: UInt32?
    /// The highest mod-sequence, where changes are tracked.
    public var highestModSeq: UInt64?
    /// The folder's size in bytes, the sum of its messages' sizes (RFC 8438 `STATUS=SIZE`), where the store says.
    public var size: Int64?

    /// Creates a status.
    public init(messages: Int?, uidNext: UInt32?, uidValidity: UInt32?, highestModSeq: UInt64?, size: Int64? = nil) {
        self.size = size
        self.messages = messages
        self.uidNext = uidNext
        self.uidValidity = uidValidity
        self.highestModSeq = highestModSeq
    }
}

/// What opening a folder tells (RFC 3501 §6.3.1 SELECT/EXAMINE responses).
public struct FolderSnapshot: Sendable, Equatable {
    /// The folder's UIDVALIDITY: UIDs name the same messages while it stays the same.
    public var uidValidity: UInt32
    /// The UID the next message will get, when the store says.
    public var uidNext: UInt32?
    /// The highest mod-sequence, where changes are tracked.
    public var highestModSeq: UInt64?
    /// Messages in the folder.
    public var exists: Int

    /// Creates a snapshot.
    public init(uidValidity: UInt32, uidNext: UInt32?, highestModSeq: UInt64?, exists: Int) {
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.highestModSeq = highestModSeq
        self.exists = exists
    }
}
