import MailMigCore

/// Failures a test arms on a fake store, each firing once at a chosen call.
public struct FakeStoreFaults: Sendable {
    /// When an armed APPEND failure strikes.
    public enum AppendMoment: Sendable {
        /// Nothing is stored: the connection dropped while sending.
        case beforeStoring
        /// Everything is stored but the answer never arrives: the client cannot know what the server kept.
        case afterStoring
    }

    /// The APPEND call (1-based, counted over the store's life) that fails, when, and how.
    public var append: (call: Int, moment: AppendMoment, kind: MailStoreError.Kind)?
    /// The body stream (1-based `messages` call) that breaks after delivering `after` messages, and how.
    public var stream: (call: Int, after: Int, kind: MailStoreError.Kind)?
    /// Every body stream breaks after delivering `after` messages, and how, as a server that drops the
    /// connection every few FETCH responses does; lasts until cleared.
    public var everyStream: (after: Int, kind: MailStoreError.Kind)?
    /// Messages larger than this many bytes are refused one by one (`NO [TOOBIG]`), as a server with a size limit does.
    public var refuseLargerThan: Int?
    /// Messages every body stream leaves out although they were asked for, as a server with a damaged
    /// index does; lasts until cleared.
    public var withheld: Set<MessageKey> = []
    /// Messages SEARCH lists but every metadata FETCH leaves out, as a server whose index lists a
    /// message it can no longer describe does; lasts until cleared.
    public var undescribed: Set<MessageKey> = []
    /// Every body stream delivers its first message twice and ends with a message nobody asked for;
    /// lasts until cleared.
    public var echoes = false
    /// Sizes metadata reports instead of the real ones, as a server whose RFC822.SIZE is wrong does;
    /// lasts until cleared.
    public var claimedSizes: [MessageKey: Int] = [:]
    /// After this many body streams, the withheld messages are expunged, as a user deleting them
    /// while the pass runs would.
    public var expungeWithheldAfterStreams: Int?
    /// Flag changes keep the mod-sequences they had (the message's and HIGHESTMODSEQ), as a server whose
    /// CONDSTORE state misses a change does: STATUS and CHANGEDSINCE then say nothing changed. Lasts until cleared.
    public var frozenModSeq = false
    /// Keywords APPEND accepts but does not keep, as a server whose folder takes no more keywords
    /// does; lasts until cleared.
    public var unkeptKeywords: Set<String> = []
    /// Folders (plan-form paths) without mod-sequences (RFC 7162 §3.1.2.2, NOMODSEQ): their STATUS says
    /// HIGHESTMODSEQ 0, their opening none, and a FETCH with CHANGEDSINCE in them is answered `BAD`;
    /// lasts until cleared.
    public var noModSeqFolders: Set<String> = []
    /// STORE (flag changes) fails with this kind, as on a target that lost its connection or refuses
    /// the change; lasts until cleared.
    public var failedFlagStores: MailStoreError.Kind?
    /// Folders (plan-form paths) whose SELECT and EXAMINE the server refuses with `NO`, as one with a
    /// damaged index does; lasts until cleared.
    public var refusedFolders: Set<String> = []
    /// Sessions one mailbox may have open at once; a login beyond is refused as Dovecot refuses it
    /// (`NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded`). Nil: no limit.
    public var sessionsPerMailbox: Int?
    /// Mailboxes (addresses on this side) whose every login succeeds and whose first command then fails
    /// with `NO [SERVERBUG]`, as a server with a damaged account does; lasts until cleared.
    public var brokenMailboxes: Set<String> = []

    /// No faults.
    public init() {}
}

/// How often a fake store was asked to do work, so tests can assert that nothing needless happened.
public struct FakeStoreCounters: Sendable, Equatable {
    /// Sessions opened (logins).
    public var sessions = 0
    /// The most sessions one mailbox had open at once.
    public var peakSessions = 0
    /// Logins that waited in vain for a session of the store given to `expectsLogins(alongside:)`.
    public var loginsAlone = 0
    /// APPEND calls, failed ones included.
    public var appendCalls = 0
    /// Messages stored by APPEND.
    public var appendedMessages = 0
    /// Body streams opened (`messages` calls).
    public var fetchCalls = 0
    /// Message bodies delivered by those streams.
    public var fetchedMessages = 0
    /// Metadata fetches (`metadata` calls).
    public var metadataCalls = 0
    /// Flag replacements (`replaceFlags` calls).
    public var flagStores = 0
    /// Folders opened (SELECT or EXAMINE).
    public var folderOpens = 0
    /// Label additions (`addLabel` calls that labelled something).
    public var labelStores = 0
    /// Label lookups (`labels` calls).
    public var labelFetches = 0

    /// All zero.
    public init() {}
}
