import Foundation
import MailMigCore

/// An in-memory mail server for one side of a migration, behaving like a well-behaved IMAP server.
///
/// Mailboxes hold folders, folders hold messages named by (UIDVALIDITY, UID) with exact bytes, flags,
/// internal dates and mod-sequences. Tests seed and alter it (`+Controls`), arm faults (`faults`) and
/// read what was asked of it (`counters`). One lock guards everything, so sessions of the copier's
/// concurrent tasks and the test's own calls see one consistent server.
public final class FakeMailStore: MailStore, @unchecked Sendable {
    /// Which side it serves.
    public let side: MailSide
    /// The server name errors carry.
    public let server: String
    /// Whether it offers CONDSTORE (mod-sequences in STATUS, SELECT and FETCH CHANGEDSINCE).
    public let tracksChanges: Bool
    /// Whether it offers BINARY (messages with NUL bytes stored unaltered).
    public let acceptsNUL: Bool
    /// Whether APPEND answers with APPENDUID (UIDPLUS).
    public let returnsUIDs: Bool
    /// The hierarchy delimiter its sessions report.
    public let delimiter: Character?
    /// Whether messages are named by strings, not UIDs (as POP3 UIDL or Maildir file names are).
    public let namesMessages: Bool
    /// Which paths name the INBOX: `.exact` acts as a server with the personal prefix `INBOX.`, where
    /// `Inbox` is a folder of its own.
    public let inboxSpelling: InboxSpelling
    /// Whether folders are labels of one message store, as Gmail's are (X-GM-EXT-1): `labels` says which
    /// folders show a message (those holding the same bytes), and `addLabel` shows it in one more.
    public let hasLabels: Bool
    /// Whether STATUS gives a folder's size (RFC 8438 STATUS=SIZE), as Dovecot does.
    public let reportsSize: Bool

    /// Guards everything below: sessions of concurrent tasks and the test all reach the same server.
    private let lock = NSLock()
    /// Mailboxes by address, each with its folders in creation order.
    private var mailboxes: [String: [FakeFolder]] = [:]
    /// The last UIDVALIDITY given.
    private var nextUIDValidity: UInt32
    /// Faults not yet fired.
    private var armed = FakeStoreFaults()
    /// Work done so far.
    private var counted = FakeStoreCounters()
    /// Sessions open now, by address.
    private var openSessions: [String: Int] = [:]
    /// Bodies longer than this are handed out spooled, as the IMAP store hands out large literals.
    private var spoolAbove: Int?
    /// The store whose session for the same mailbox each login here waits for (up to 2 s), to show
    /// that a caller logs in to both at once.
    private var overlapWith: FakeMailStore?

    /// A server with no mailboxes; UIDVALIDITY values start at `firstUIDValidity` so the two sides never share one.
    public init(side: MailSide, server: String? = nil, tracksChanges: Bool = true, acceptsNUL: Bool = true, returnsUIDs: Bool = true,
                delimiter: Character? = "/", firstUIDValidity: UInt32? = nil, namesMessages: Bool = false,
                inboxSpelling: InboxSpelling = .anyCase, hasLabels: Bool = false, reportsSize: Bool = false) {
        self.hasLabels = hasLabels
        self.reportsSize = reportsSize
        self.namesMessages = namesMessages
        self.inboxSpelling = inboxSpelling
        self.side = side
        self.server = server ?? (side == .source ? "imap.oldmail.test" : "imap.newmail.test")
        self.tracksChanges = tracksChanges
        self.acceptsNUL = acceptsNUL
        self.returnsUIDs = returnsUIDs
        self.delimiter = delimiter
        self.nextUIDValidity = firstUIDValidity ?? (side == .source ? 1_000 : 5_000)
    }

    /// Faults armed for the next calls; each fires once.
    public var faults: FakeStoreFaults {
        get { locked { armed } }
        set { locked { armed = newValue } }
    }

    /// Bodies longer than this many bytes are streamed from spool files instead of memory; nil (the
    /// default) keeps every body in memory.
    public var spoolThreshold: Int? {
        get { locked { spoolAbove } }
        set { locked { spoolAbove = newValue } }
    }

    /// Work asked of the store so far.
    public var counters: FakeStoreCounters { locked { counted } }

    /// Makes every login here wait (up to 2 s) until `other` has a session open for the same mailbox;
    /// a login that waited in vain counts in `counters.loginsAlone`.
    public func expectsLogins(alongside other: FakeMailStore?) {
        locked { overlapWith = other }
    }

    /// Whether a session for `address` is open now.
    public func hasSession(for address: String) -> Bool {
        locked { openSessions[address, default: 0] > 0 }
    }

    /// Logs in as the mailbox's address on this side; a mailbox the server does not have is refused as
    /// IMAP refuses a login, and errors leave as `MailError`s like the IMAP store's.
    public func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any MailStoreSession) async throws -> T) async throws -> T {
        let address = side == .source ? mailbox.source.description : mailbox.target.description
        let (known, admitted) = locked { () -> (Bool, Bool) in
            counted.sessions += 1
            guard mailboxes[address] != nil else { return (false, false) }
            let open = openSessions[address, default: 0]
            if let limit = armed.sessionsPerMailbox, open >= limit { return (true, false) }
            openSessions[address] = open + 1
            counted.peakSessions = max(counted.peakSessions, open + 1)
            return (true, true)
        }
        guard known else {
            throw MailError(side: side, server: server, mailbox: mailbox.source.description, kind: .loginRefused,
                            reason: "NO [AUTHENTICATIONFAILED] Authentication failed for \(address)")
        }
        guard admitted else {
            throw MailError(side: side, server: server, mailbox: mailbox.source.description, kind: .transient,
                            reason: "NO [UNAVAILABLE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections)")
        }
        defer { locked { openSessions[address, default: 1] -= 1 } }
        if let other = locked({ overlapWith }) {
            let otherAddress = other.side == .source ? mailbox.source.description : mailbox.target.description
            var waited = 0
            while !other.hasSession(for: otherAddress), waited < 200 {
                try? await Task.sleep(nanoseconds: 10_000_000)
                waited += 1
            }
            if waited == 200 { locked { counted.loginsAlone += 1 } }
        }
        if faults.brokenMailboxes.contains(address) {
            throw MailError(side: side, server: server, mailbox: mailbox.source.description, kind: .failed,
                            reason: "NO [SERVERBUG] Internal error occurred. Refer to server log for more information.")
        }
        do {
            return try await body(FakeStoreSession(store: self, address: address))
        } catch {
            throw MailError(error, side: side, server: server, mailbox: mailbox.source.description, folder: nil)
        }
    }

    /// Runs `body` under the store's lock.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Runs `body` on the counters, under the lock.
    func count(_ body: (inout FakeStoreCounters) -> Void) {
        locked { body(&counted) }
    }

    /// Takes the armed fault for this APPEND call (counting the call), if it is the one armed.
    func appendFault() -> (moment: FakeStoreFaults.AppendMoment, kind: MailStoreError.Kind)? {
        locked {
            counted.appendCalls += 1
            guard let fault = armed.append, fault.call == counted.appendCalls else { return nil }
            armed.append = nil
            return (fault.moment, fault.kind)
        }
    }

    /// Takes the armed fault for this body stream (counting the call): after how many messages it breaks.
    func streamFault() -> (after: Int, kind: MailStoreError.Kind)? {
        locked {
            counted.fetchCalls += 1
            guard let fault = armed.stream, fault.call == counted.fetchCalls else { return nil }
            armed.stream = nil
            return (fault.after, fault.kind)
        }
    }

    /// The folders of a mailbox, in creation order; empty when there is no such mailbox.
    public func folders(of address: String) -> [FakeFolder] {
        locked { mailboxes[address] ?? [] }
    }

    /// Runs `body` on one folder of a mailbox, under the lock; throws `.noSuchFolder` when there is none.
    func withFolder<T>(_ address: String, _ path: String, _ body: (inout FakeFolder) throws -> T) throws -> T {
        try locked {
            guard let index = mailboxes[address]?.firstIndex(where: { same($0.path, path) }) else {
                throw MailStoreError(.noSuchFolder, "NO [NONEXISTENT] Mailbox doesn't exist: \(path)")
            }
            return try body(&mailboxes[address]![index])
        }
    }

    /// Adds a folder to a mailbox (creating the mailbox), with a fresh UIDVALIDITY; false when it exists already.
    @discardableResult
    func insertFolder(_ address: String, _ path: String, specialUse: String?, subscribed: Bool) -> Bool {
        locked {
            if mailboxes[address]?.contains(where: { same($0.path, path) }) == true { return false }
            mailboxes[address, default: []].append(FakeFolder(path: path, specialUse: specialUse, subscribed: subscribed,
                                                              uidValidity: takeUIDValidity(), namesMessages: namesMessages))
            return true
        }
    }

    /// Whether the store has a mailbox for this address.
    public func hasMailbox(_ address: String) -> Bool { locked { mailboxes[address] != nil } }

    /// Creates an empty mailbox holding only INBOX (subscribed), as a server does for a new account.
    public func addMailbox(_ address: String) {
        insertFolder(address, "INBOX", specialUse: nil, subscribed: true)
    }

    /// Removes a mailbox and everything in it, as a deleted account.
    public func removeMailbox(_ address: String) {
        locked { mailboxes[address] = nil }
    }

    /// A UIDVALIDITY never given before by this store; call under the lock.
    func takeUIDValidity() -> UInt32 {
        nextUIDValidity += 1
        return nextUIDValidity
    }

    /// Whether two plan-form paths name one folder (INBOX is one folder in every spelling that names it).
    func same(_ left: String, _ right: String) -> Bool {
        left == right || (inboxSpelling.names(left) && inboxSpelling.names(right))
    }
}
