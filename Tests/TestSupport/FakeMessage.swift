import MailMigCore

/// One message as the in-memory store keeps it.
public struct FakeMessage: Sendable, Equatable {
    /// Its number in the folder: the UID, for a store that names messages by UID.
    public var uid: UInt32
    /// Its unique identifier as the store reports it: `.uid(uid)`, or a name for a store that names messages.
    public var key: MessageKey
    /// The exact bytes.
    public var body: [UInt8]
    /// Flags and keywords.
    public var flags: Set<String>
    /// The internal date.
    public var internalDate: MessageDate?
    /// The mod-sequence of its last change (RFC 7162).
    public var modSeq: UInt64

    /// Creates a message.
    public init(uid: UInt32, key: MessageKey, body: [UInt8], flags: Set<String>, internalDate: MessageDate?, modSeq: UInt64) {
        self.uid = uid
        self.key = key
        self.body = body
        self.flags = flags
        self.internalDate = internalDate
        self.modSeq = modSeq
    }

    /// What metadata FETCH answers for it.
    public var metadata: MessageMetadata {
        MessageMetadata(uid: key, size: body.count, internalDate: internalDate, flags: flags)
    }

    /// What a body FETCH answers for it.
    public var stored: StoredMessage {
        StoredMessage(uid: key, body: body, internalDate: internalDate, flags: flags)
    }
}

/// A message to put into a store by hand, before it has a UID.
public struct SeedMessage: Sendable, Equatable {
    /// The exact bytes.
    public var body: [UInt8]
    /// Flags and keywords.
    public var flags: Set<String>
    /// The internal date.
    public var internalDate: MessageDate?

    /// Creates a message to seed.
    public init(body: [UInt8], flags: Set<String> = [], internalDate: MessageDate?) {
        self.body = body
        self.flags = flags
        self.internalDate = internalDate
    }
}
