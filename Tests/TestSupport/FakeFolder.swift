import MailMigCore

/// One folder of the in-memory store, with the numbers IMAP gives a folder.
public struct FakeFolder: Sendable, Equatable {
    /// The path in plan form (`Projects/2024`).
    public var path: String
    /// The SPECIAL-USE role (`\Sent`), if any.
    public var specialUse: String?
    /// Whether it is subscribed.
    public var subscribed: Bool
    /// UIDVALIDITY: UIDs keep naming the same messages while it stays the same.
    public var uidValidity: UInt32
    /// The UID the next message will get.
    public var uidNext: UInt32
    /// The highest mod-sequence given to any change in the folder.
    public var highestModSeq: UInt64
    /// The messages, in UID order.
    public var messages: [FakeMessage]

    /// An empty folder.
    public init(path: String, specialUse: String?, subscribed: Bool, uidValidity: UInt32) {
        self.path = path
        self.specialUse = specialUse
        self.subscribed = subscribed
        self.uidValidity = uidValidity
        self.uidNext = 1
        self.highestModSeq = 1
        self.messages = []
    }

    /// Adds a message under the next UID with a fresh mod-sequence; returns its UID.
    mutating func add(_ body: [UInt8], flags: Set<String>, internalDate: MessageDate?) -> UInt32 {
        let uid = uidNext
        uidNext += 1
        highestModSeq += 1
        messages.append(FakeMessage(uid: uid, body: body, flags: flags, internalDate: internalDate, modSeq: highestModSeq))
        return uid
    }

    /// Replaces the flags of one message, giving it a fresh mod-sequence; false when there is no such UID.
    mutating func setFlags(_ flags: Set<String>, of uid: UInt32) -> Bool {
        guard let index = messages.firstIndex(where: { $0.uid == uid }) else { return false }
        highestModSeq += 1
        messages[index].flags = flags
        messages[index].modSeq = highestModSeq
        return true
    }

    /// The listing LIST gives, levels split at `/`.
    var listing: FolderListing {
        FolderListing(levels: path.split(separator: "/", omittingEmptySubsequences: false).map(String.init), specialUse: specialUse)
    }
}
