/// Values of a `STATUS` response (RFC 3501 §7.2.4, RFC 7162, RFC 8438).
public struct MailboxStatus: Sendable, Equatable {
    /// `MESSAGES`.
    public var messages: Int?
    /// `RECENT`.
    public var recent: Int?
    /// `UIDNEXT`.
    public var uidNext: UInt32?
    /// `UIDVALIDITY`.
    public var uidValidity: UInt32?
    /// `UNSEEN`.
    public var unseen: Int?
    /// `HIGHESTMODSEQ`.
    public var highestModSeq: UInt64?
    /// `SIZE` (RFC 8438).
    public var size: UInt64?

    /// An empty status.
    public init() {}
}

/// A `STATUS` response line before mailbox-name decoding.
public struct StatusResponse: Sendable, Equatable {
    /// The mailbox name as sent on the wire.
    public var rawName: String
    /// The values.
    public var status: MailboxStatus
}

/// One namespace of a `NAMESPACE` response (RFC 2342).
public struct Namespace: Sendable, Equatable {
    /// The prefix, e.g. `""` or `"INBOX."`.
    public var prefix: String
    /// The hierarchy delimiter, nil for a flat namespace.
    public var delimiter: Character?
}

/// The three groups of a `NAMESPACE` response.
public struct NamespaceResponse: Sendable, Equatable {
    /// The user's own namespaces.
    public var personal: [Namespace]
    /// Other users' namespaces.
    public var otherUsers: [Namespace]
    /// Shared namespaces.
    public var shared: [Namespace]
}

/// An `ESEARCH` response (RFC 4731).
public struct ESearchResponse: Sendable, Equatable {
    /// The tag of the command the response answers, if given.
    public var tag: String?
    /// Whether the results are UIDs.
    public var isUID: Bool
    /// `ALL`.
    public var all: UIDSet?
    /// `MIN`.
    public var min: UInt32?
    /// `MAX`.
    public var max: UInt32?
    /// `COUNT`.
    public var count: Int?
    /// `MODSEQ`.
    public var modSeq: UInt64?
}
