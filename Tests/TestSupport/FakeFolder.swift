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
    /// Whether messages are named by a string rather than by UID, as a POP3 maildrop (UIDL) or a
    /// Maildir is; the names are digits, so a name is never taken for a UID.
    public var namesMessages: Bool

    /// An empty folder.
    public init(path: String, specialUse: String?, subscribed: Bool, uidValidity: UInt32, namesMessages: Bool = false) {
        self.namesMessages = namesMessages
        self.path = path
        self.specialUse = specialUse
        self.subscribed = subscribed
        self.uidValidity = uidValidity
        self.uidNext = 1
        self.highestModSeq = 1
        self.messages = []
    }

    /// Adds a message under the next UID with a fresh mod-sequence; returns its key.
    mutating func add(_ body: [UInt8], flags: Set<String>, internalDate: MessageDate?) -> MessageKey {
        let uid = uidNext
        uidNext += 1
        highestModSeq += 1
        let key = key(for: uid)
        messages.append(FakeMessage(uid: uid, key: key, body: body, flags: flags, internalDate: internalDate, modSeq: highestModSeq))
        return key
    }

    /// The key of the message numbered `uid`: the UID, or a name made of UIDVALIDITY and UID.
    func key(for uid: UInt32) -> MessageKey {
        namesMessages ? .name("\(uidValidity)\(String(repeating: "0", count: max(0, 6 - String(uid).count)))\(uid)") : .uid(uid)
    }

    /// Replaces the flags of one message, giving it a fresh mod-sequence; false when there is no such message.
    mutating func setFlags(_ flags: Set<String>, of key: MessageKey) -> Bool {
        guard let index = messages.firstIndex(where: { $0.key == key }) else { return false }
        highestModSeq += 1
        messages[index].flags = flags
        messages[index].modSeq = highestModSeq
        return true
    }

    /// The listing LIST gives, levels split at `/`, on a store that spells its INBOX as `inbox` says.
    func listing(_ inbox: InboxSpelling) -> FolderListing {
        FolderListing(levels: path.split(separator: "/", omittingEmptySubsequences: false).map(String.init), specialUse: specialUse,
                      isInbox: inbox.names(path))
    }
}
