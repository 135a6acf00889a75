/// A mail system one side of a migration reads from or writes to, whatever protocol it speaks.
///
/// The copier, planner, verifier and discoverer know only this interface and `MailStoreSession`;
/// IMAP is one implementation (`MailMigIMAPStore`), an in-memory store for tests is another. A store
/// knows the plan's login styles for its side and opens one logged-in session per mailbox.
public protocol MailStore: Sendable {
    /// Which side of the migration it serves.
    var side: MailSide { get }
    /// The server as errors name it (`imap.acme.test`).
    var server: String { get }

    /// Logs in as `mailbox`, runs `body`, and logs out, whatever `body` does; retries connecting where
    /// that is safe. Errors are `MailError`s naming the side, server and mailbox.
    func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any MailStoreSession) async throws -> T) async throws -> T

    /// How the store's connections adapted to the server's throttling so far; nil for a store that
    /// neither limits its connections nor hears of throttling.
    func pacing() async -> ConnectionLimiter.Summary?
}

extension MailStore {
    /// No pacing to report.
    public func pacing() async -> ConnectionLimiter.Summary? { nil }
}

/// One logged-in connection to a mail store, acting for one mailbox, speaking in plan-form folder
/// paths (levels joined by `/`, without the server's namespace prefix).
///
/// A path the store listed names that folder and no other: the store sends the name its listing
/// gave (for IMAP the exact bytes of LIST), never one derived again from the path. Only a path it did
/// not list (a folder to create) is turned into a name by rule.
///
/// Messages are named by `(folder, UIDVALIDITY, unique identifier)` in the sense of RFC 3501
/// §2.3.1.1: a `MessageKey` names one message of a folder for as long as the folder's UIDVALIDITY
/// stays the same. An IMAP store's keys are UIDs; a store without them names messages by a string it
/// keeps stable (a POP3 unique-id, a file name), reports a constant UIDVALIDITY, and a new one only
/// when its names were reset. The ledger keys copies by these, so a store decides what identity means.
/// One folder at a time is open; message calls act on it.
public protocol MailStoreSession: Sendable {
    /// Which side it is.
    var side: MailSide { get }
    /// The hierarchy delimiter of the personal namespace (`/`, `.`), nil for a flat store.
    var delimiter: Character? { get }
    /// Whether the store tracks changes (RFC 7162 CONDSTORE): flag deltas can be asked for by mod-sequence.
    var tracksChanges: Bool { get }
    /// Whether messages containing NUL bytes can be stored unaltered (RFC 3516 BINARY).
    var acceptsNUL: Bool { get async }
    /// Which plan-form paths name the store's INBOX.
    var inboxSpelling: InboxSpelling { get }

    /// Every folder with its role, and its status when `status` is true.
    func folders(status: Bool) async throws -> [ListedFolder]
    /// The subscribed folders, in plan form.
    func subscribedFolders() async throws -> Set<String>
    /// Creates a folder.
    func createFolder(_ path: String) async throws
    /// Subscribes to a folder.
    func subscribe(_ path: String) async throws
    /// Creates and subscribes several folders, in order (a parent before its children); one outcome
    /// per request. A store that can sends them without waiting for each answer (IMAP pipelining).
    func setUp(_ folders: [FolderSetup]) async throws -> [Result<Void, any Error>]

    /// Opens a folder for reading (or for changing flags with `forWriting`), closing the one open before.
    /// Throws `MailStoreError` with `.noSuchFolder` when there is none by that name.
    func openFolder(_ path: String, forWriting: Bool) async throws -> FolderSnapshot
    /// Closes the open folder without removing anything (IMAP UNSELECT, never CLOSE).
    func closeFolder() async throws

    /// The unique identifiers of the open folder's messages that match `filter`.
    func messageUIDs(_ filter: MessageFilter) async throws -> [MessageKey]
    /// Opens a folder for reading and lists its messages that match `filter`, with the metadata of
    /// the messages `metadata` names: `openFolder(_:forWriting: false)`, `messageUIDs(_:)` and
    /// `metadata(.all, changedSince:)` in one exchange where the store can (IMAP pipelining).
    /// Errors as `openFolder`'s.
    func read(_ path: String, listing filter: MessageFilter, metadata: ReadingMetadata) async throws -> FolderReading
    /// The metadata of `selection` in the folder at `path`, which is opened for reading and closed
    /// again, in one exchange where the store can.
    func readMetadata(_ selection: MessageSelection, in path: String) async throws -> FolderReading
    /// Size, internal date and flags of messages of the open folder; with `changedSince`, only those
    /// whose flags changed after that mod-sequence.
    func metadata(_ selection: MessageSelection, changedSince: UInt64?) async throws -> [MessageMetadata]
    /// The Message-ID header field of messages of the open folder (nil: the message has none), read
    /// without their bodies.
    func messageIDs(_ selection: MessageSelection) async throws -> [MessageKey: String?]
    /// The messages with their exact bytes, streamed in key order; the stream holds a bounded number
    /// of messages, however many are asked for. With `maxBodySize` (bytes), a message whose body turns
    /// out larger (whatever its metadata said) arrives without it, with `omittedSize` set, and the
    /// store never holds more of it than that.
    func messages(_ uids: [MessageKey], maxBodySize: Int64?) async throws -> MessageStream
    /// Stores messages in a folder (not necessarily the open one); one outcome per message, in order.
    /// Throws only when nothing can be said about any message (the connection failed before).
    func append(_ messages: [OutgoingMessage], to path: String) async throws -> [AppendOutcome]
    /// Replaces the flags of messages of the folder opened for writing.
    func replaceFlags(of uids: [MessageKey], with flags: [String]) async throws

    /// Which folders show each message of the open folder, on a store whose folders are labels
    /// (Gmail's `X-GM-LABELS` and `X-GM-MSGID`); nil on a store whose folders hold messages of their own.
    func labels(_ selection: MessageSelection) async throws -> [MessageKey: MessageLabels]?
    /// Whether a message stored in one folder can be shown in another without storing it again
    /// (`addLabel`): Gmail, where a folder is a label.
    var keepsLabels: Bool { get }
    /// Shows messages of the folder `path` in `folder` too, by giving them that folder's label (Gmail:
    /// `UID STORE … +X-GM-LABELS`): one stored message instead of one upload per folder. Opens `path`
    /// for writing. False, with nothing done, where `folder` or `path` is not a label (Gmail's All
    /// Mail, Trash and Spam) or `path`'s UIDVALIDITY is no longer `uidValidity` (the keys would name other messages); throws
    /// where the store has no labels (`keepsLabels` is false).
    func addLabel(of folder: String, to keys: [MessageKey], in path: String, uidValidity: UInt32) async throws -> Bool
}

/// One folder to set up on a store: created, subscribed, or both.
public struct FolderSetup: Sendable, Equatable {
    /// The folder, in plan form.
    public var path: String
    /// Whether to create it.
    public var create: Bool
    /// Whether to subscribe to it.
    public var subscribe: Bool

    /// Creates a request.
    public init(path: String, create: Bool, subscribe: Bool) {
        self.path = path
        self.create = create
        self.subscribe = subscribe
    }
}

extension MailStoreSession {
    /// Each folder in turn: created, then subscribed.
    public func setUp(_ folders: [FolderSetup]) async throws -> [Result<Void, any Error>] {
        var outcomes: [Result<Void, any Error>] = []
        for folder in folders {
            do {
                if folder.create { try await createFolder(folder.path) }
                if folder.subscribe { try await subscribe(folder.path) }
                outcomes.append(.success(()))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        return outcomes
    }

    /// INBOX in any case, as on a server without a namespace prefix.
    public var inboxSpelling: InboxSpelling { .anyCase }

    /// Every folder with its role, without status.
    public func folders() async throws -> [ListedFolder] { try await folders(status: false) }

    /// The messages with their exact bytes, whatever their size.
    public func messages(_ uids: [MessageKey]) async throws -> MessageStream {
        try await messages(uids, maxBodySize: nil)
    }

    /// Metadata of every message, or of some, without a change filter.
    public func metadata(_ selection: MessageSelection) async throws -> [MessageMetadata] {
        try await metadata(selection, changedSince: nil)
    }
}

/// Which plan-form paths name a store's INBOX (RFC 3501 §5.1: INBOX is INBOX in any case).
public enum InboxSpelling: Sendable, Equatable {
    /// `INBOX`, `Inbox`, `inbox`: a server without a personal namespace prefix, where the name the
    /// path becomes is the INBOX in any case.
    case anyCase
    /// `INBOX` only: under the personal namespace prefix `INBOX.`, the path `Inbox` becomes the
    /// folder `INBOX.Inbox`, which is not the INBOX.
    case exact

    /// Whether `path` names the INBOX.
    public func names(_ path: String) -> Bool {
        switch self {
        case .anyCase: path.uppercased() == "INBOX"
        case .exact: path == "INBOX"
        }
    }
}

/// A store that keeps its own record of what it holds and can check its copy against it (a backup's
/// files against the SHA-256 sums of its manifest), which `mailmig verify --backup` asks for.
public protocol SelfCheckingMailStore: MailStore {
    /// What differs from the store's record in the copy of `mailbox`, one sentence each naming the file
    /// and the folder; empty when every message is as recorded.
    func checkIntegrity(of mailbox: MailboxMapping) async throws -> [String]
}
