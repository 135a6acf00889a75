import MailMigSpool
/// The state of the selected mailbox, from SELECT / EXAMINE and later untagged updates.
public struct SelectedMailbox: Sendable, Equatable {
    /// The mailbox name (decoded).
    public var name: String
    /// Whether it was opened read-only (EXAMINE or `[READ-ONLY]`).
    public var isReadOnly: Bool
    /// `UIDVALIDITY`.
    public var uidValidity: UInt32
    /// `UIDNEXT`, if the server sent it.
    public var uidNext: UInt32?
    /// `HIGHESTMODSEQ`, if CONDSTORE is in use and the mailbox supports it.
    public var highestModSeq: UInt64?
    /// Number of messages (`EXISTS`).
    public var exists: Int
    /// `FLAGS`: flags defined in the mailbox.
    public var flags: [String]
    /// `PERMANENTFLAGS`: flags that can be stored; `\*` allows new keywords.
    public var permanentFlags: [String]
}

/// A mailbox from LIST, with its decoded name.
public struct MailboxInfo: Sendable, Equatable {
    /// The decoded name, e.g. `Entwürfe`.
    public var name: String
    /// The name as sent on the wire.
    public var rawName: String
    /// The hierarchy delimiter, nil for a flat namespace.
    public var delimiter: Character?
    /// Attributes as sent (`\HasChildren`, `\Noselect`, `\Sent`, ...).
    public var attributes: [String]
    /// STATUS values, when requested with `LIST ... RETURN (STATUS ...)`.
    public var status: MailboxStatus?
    /// Whether `name` is the decoded name; false when the wire name is not valid modified UTF-7
    /// (RFC 3501 §5.1.3) and `name` holds it as sent.
    public var isNameDecoded = true

    /// The name for commands on this mailbox: the server's own bytes, never re-encoded.
    public var mailboxName: MailboxName { MailboxName(wire: rawName, text: name) }

    /// The SPECIAL-USE role, if any.
    public var specialUse: SpecialUse? { attributes.lazy.compactMap { SpecialUse(attribute: $0) }.first }

    /// Whether the mailbox cannot be selected (`\Noselect` or `\NonExistent`).
    public var isSelectable: Bool {
        !attributes.contains { ["\\noselect", "\\nonexistent"].contains($0.lowercased()) }
    }

    /// The name split at the delimiter.
    public var path: [String] {
        guard let delimiter else { return [name] }
        return name.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
    }
}

/// One message from a UID FETCH.
public struct FetchedMessage: Sendable, Equatable {
    /// UID.
    public var uid: UInt32
    /// Flags exactly as sent (system flags with backslash, keywords as they are).
    public var flags: Set<String>
    /// INTERNALDATE, with its original offset.
    public var internalDate: InternalDate?
    /// RFC822.SIZE.
    public var size: Int?
    /// MODSEQ, when CONDSTORE is in use.
    public var modSeq: UInt64?
    /// The exact bytes of BODY[], when the body was requested and held in memory.
    public var body: [UInt8]?
    /// The body when it exceeded the connection's spool threshold and went to a spool file; `body` is then nil.
    public var spooledBody: SpoolFile?
    /// When the body exceeded the fetch's `maxBodySize`: its length in bytes as the server announced
    /// it; `body` is then nil, and none of its bytes were kept.
    public var omittedBodySize: Int?

    /// The body, in memory or spooled, when it was requested and read.
    public var content: MessageBytes? {
        body.map(MessageBytes.init) ?? spooledBody.map(MessageBytes.init(spooled:))
    }
}

/// The outcome of an APPEND.
public struct AppendResult: Sendable, Equatable {
    /// UIDVALIDITY of the target mailbox, when the server offers UIDPLUS.
    public var uidValidity: UInt32?
    /// The UID the message received, when the server offers UIDPLUS.
    public var uid: UInt32?
}

/// A message to APPEND: exact bytes plus optional flags and internal date.
public struct AppendMessage: Sendable {
    /// The message, sent byte for byte: from memory, or from its spool file a slice at a time.
    public var content: MessageBytes
    /// Flags to set, e.g. `\Seen` or keywords.
    public var flags: [String]
    /// INTERNALDATE to set, with its offset.
    public var internalDate: InternalDate?
    /// Whether the bytes contain NUL, so the message must go as literal8 (RFC 3516), which needs BINARY.
    public let containsNUL: Bool

    /// A message to append; `containsNUL` is what the caller already knows of the bytes (they are
    /// scanned when it is nil), so a large message is not read once more just to decide the literal.
    public init(bytes: [UInt8], flags: [String] = [], internalDate: InternalDate? = nil, containsNUL: Bool? = nil) {
        self.content = MessageBytes(bytes)
        self.flags = flags
        self.internalDate = internalDate
        self.containsNUL = containsNUL ?? bytes.contains(0)
    }

    /// A message to append from memory or a spool file; `containsNUL` as the caller found it.
    public init(content: MessageBytes, flags: [String] = [], internalDate: InternalDate? = nil, containsNUL: Bool) {
        self.content = content
        self.flags = flags
        self.internalDate = internalDate
        self.containsNUL = containsNUL
    }
}
