import MailMigSpool

/// What a store says about a message without its bytes.
public struct MessageMetadata: Sendable, Equatable {
    /// The message's unique identifier in its folder (an IMAP UID, a POP3 unique-id).
    public var uid: MessageKey
    /// RFC822.SIZE, in bytes.
    public var size: Int?
    /// The internal date (when the message arrived), as the state writes it.
    public var internalDate: MessageDate?
    /// Flags and keywords, as the store reports them.
    public var flags: Set<String>

    /// Creates metadata.
    public init(uid: MessageKey, size: Int?, internalDate: MessageDate?, flags: Set<String>) {
        self.uid = uid
        self.size = size
        self.internalDate = internalDate
        self.flags = flags
    }
}

/// A message with its exact bytes.
public struct StoredMessage: Sendable, Equatable {
    /// The message's unique identifier in its folder.
    public var uid: MessageKey
    /// The message exactly as stored (RFC 5322 text, or binary with RFC 3516): in memory, or in a spool
    /// file when the store received it as too large to hold.
    public var body: MessageBytes
    /// The internal date.
    public var internalDate: MessageDate?
    /// Flags and keywords.
    public var flags: Set<String>
    /// Set when the body was larger than the `maxBodySize` the stream was asked with: its size in bytes
    /// as the store learned it; `body` is then empty.
    public var omittedSize: Int?

    /// Creates a message.
    public init(uid: MessageKey, body: [UInt8], internalDate: MessageDate?, flags: Set<String>, omittedSize: Int? = nil) {
        self.init(uid: uid, content: MessageBytes(body), internalDate: internalDate, flags: flags, omittedSize: omittedSize)
    }

    /// Creates a message whose bytes may be spooled.
    public init(uid: MessageKey, content: MessageBytes, internalDate: MessageDate?, flags: Set<String>, omittedSize: Int? = nil) {
        self.uid = uid
        self.body = content
        self.internalDate = internalDate
        self.flags = flags
        self.omittedSize = omittedSize
    }
}

/// A message to store, with the attributes it must keep.
public struct OutgoingMessage: Sendable, Equatable {
    /// The exact bytes, in memory or in a spool file.
    public var body: MessageBytes
    /// Flags and keywords to set (never `\Recent`).
    public var flags: [String]
    /// The internal date to give it.
    public var internalDate: MessageDate?
    /// Whether the bytes contain NUL (RFC 3516 BINARY needed): the copier reads each body for this
    /// once, when it decides whether the target can take the message, and stores reuse the answer.
    public var containsNUL: Bool
    /// How the source names the message, for a store that records where each copy came from (the
    /// Maildir backup's manifest); nil when the caller gives none. Stores that keep no such record
    /// ignore it.
    public var sourceIdentity: String?
    /// SHA-256 of `body`, lower-case hex, when the caller has already read the bytes for it (the copier
    /// hashes every body for its ledger): a store that records digests (the Maildir backup's manifest)
    /// uses it instead of reading the bytes a second time; nil when the caller gives none.
    public var sha256: String?

    /// Creates a message; `containsNUL` is computed from `body` when not given.
    public init(body: [UInt8], flags: [String], internalDate: MessageDate?, containsNUL: Bool? = nil, sourceIdentity: String? = nil) {
        self.init(content: MessageBytes(body), flags: flags, internalDate: internalDate, containsNUL: containsNUL ?? body.contains(0),
                  sourceIdentity: sourceIdentity)
    }

    /// Creates a message whose bytes may be spooled; `containsNUL`, and `sha256` when given, as the
    /// caller found them.
    public init(content: MessageBytes, flags: [String], internalDate: MessageDate?, containsNUL: Bool, sourceIdentity: String? = nil,
                sha256: String? = nil) {
        self.body = content
        self.flags = flags
        self.internalDate = internalDate
        self.containsNUL = containsNUL
        self.sourceIdentity = sourceIdentity
        self.sha256 = sha256
    }
}

/// What became of one message handed to `append`.
public enum AppendOutcome: Sendable {
    /// Stored; with the identity the store gave it when it says (RFC 4315 APPENDUID).
    case stored(uidValidity: UInt32?, uid: MessageKey?)
    /// Refused because of the message itself (size, content policy): skip it and report the reason.
    case refused(String)
    /// Not stored for a reason that concerns the whole folder or connection (quota, no such folder,
    /// dropped connection): stop the chunk with this error.
    case failed(any Error)
}
