import Foundation
import MailMigCore
import MailMigSpool

/// One logged-in session of a `FakeMailStore`: one mailbox, at most one open folder.
///
/// Follows the IMAP rules the engine relies on: message commands need an open folder, flags can only
/// be changed in a folder opened for writing (SELECT, not EXAMINE), UNSELECT needs an open folder,
/// `\Recent` cannot be set by APPEND, CHANGEDSINCE needs CONDSTORE.
final class FakeStoreSession: MailStoreSession, @unchecked Sendable {
    /// The server it is logged in to.
    let store: FakeMailStore
    /// The mailbox it acts for.
    let address: String
    /// Guards `open`: the copier reads from one task while another appends.
    private let lock = NSLock()
    /// The open folder and whether it was opened for writing.
    private var open: (path: String, writable: Bool)?

    /// A session of `store` logged in as `address`.
    init(store: FakeMailStore, address: String) {
        self.store = store
        self.address = address
    }

    /// The store's side.
    var side: MailSide { store.side }
    /// The store's delimiter.
    var delimiter: Character? { store.delimiter }
    /// Whether the store offers CONDSTORE.
    var tracksChanges: Bool { store.tracksChanges }
    /// Which paths name the store's INBOX.
    var inboxSpelling: InboxSpelling { store.inboxSpelling }
    /// Whether the store offers BINARY.
    var acceptsNUL: Bool { get async { store.acceptsNUL } }

    /// LIST, with STATUS of every folder when asked.
    func folders(status: Bool) async throws -> [ListedFolder] {
        let noModSeq = store.faults.noModSeqFolders
        return store.folders(of: address).map { folder in
            ListedFolder(listing: folder.listing(store.inboxSpelling), status: status ? FolderStatus(messages: folder.messages.count, uidNext: folder.uidNext,
                                                                                uidValidity: folder.uidValidity,
                                                                                highestModSeq: noModSeq.contains(folder.path) && store.tracksChanges ? 0 : modSeq(folder),
                                                                                size: store.reportsSize ? folder.messages.reduce(0) { $0 + Int64($1.body.count) } : nil) : nil)
        }
    }

    /// LSUB.
    func subscribedFolders() async throws -> Set<String> {
        Set(store.folders(of: address).filter(\.subscribed).map(\.path))
    }

    /// CREATE; an existing folder is an error, as `NO [ALREADYEXISTS]` is.
    func createFolder(_ path: String) async throws {
        guard store.insertFolder(address, path, specialUse: nil, subscribed: false) else {
            throw MailStoreError(.failed, "NO [ALREADYEXISTS] Mailbox already exists: \(path)")
        }
    }

    /// SUBSCRIBE.
    func subscribe(_ path: String) async throws {
        try store.withFolder(address, path) { $0.subscribed = true }
    }

    /// SELECT (`forWriting`) or EXAMINE.
    func openFolder(_ path: String, forWriting: Bool) async throws -> FolderSnapshot {
        store.count { $0.folderOpens += 1 }
        // A failed SELECT leaves no folder open, as in IMAP.
        setOpen(nil)
        let faults = store.faults
        if faults.refusedFolders.contains(path) { throw MailStoreError(.failed, "NO Mailbox can't be opened: \(path)") }
        let noModSeq = faults.noModSeqFolders.contains(path)
        let snapshot = try store.withFolder(address, path) { folder in
            FolderSnapshot(uidValidity: folder.uidValidity, uidNext: folder.uidNext, highestModSeq: noModSeq ? nil : modSeq(folder),
                           exists: folder.messages.count)
        }
        setOpen((path, forWriting))
        return snapshot
    }

    /// UNSELECT, which needs an open folder.
    func closeFolder() async throws {
        _ = try openPath()
        setOpen(nil)
    }

    /// UID SEARCH in the open folder.
    func messageUIDs(_ filter: MessageFilter) async throws -> [MessageKey] {
        try openMessages().filter { message in
            switch filter {
            case .all: true
            case .before(let day): SearchDay.of(message.internalDate).map { $0 < SearchDay(day) } ?? false
            case .size(let size): message.body.count == size
            case .larger(let size): message.body.count > size
            }
        }.map(\.key)
    }

    /// UID FETCH of size, date and flags, with CHANGEDSINCE when given.
    func metadata(_ selection: MessageSelection, changedSince: UInt64?) async throws -> [MessageMetadata] {
        store.count { $0.metadataCalls += 1 }
        if changedSince != nil, !store.tracksChanges {
            throw MailStoreError(.failed, "BAD CHANGEDSINCE needs CONDSTORE, which this server does not offer")
        }
        if changedSince != nil, let path = try? openPath().path, store.faults.noModSeqFolders.contains(path) {
            throw MailStoreError(.failed, "BAD Mailbox doesn't support mod-sequences")
        }
        let claimed = store.faults.claimedSizes
        let undescribed = store.faults.undescribed
        return try Self.select(selection, from: openMessages())
            .filter { message in changedSince.map { message.modSeq > $0 } ?? true }
            .filter { !undescribed.contains($0.key) }
            .map { message in
                var metadata = message.metadata
                if let size = claimed[message.key] { metadata.size = size }
                return metadata
            }
    }

    /// UID FETCH of the Message-ID field.
    func messageIDs(_ selection: MessageSelection) async throws -> [MessageKey: String?] {
        var result: [MessageKey: String?] = [:]
        for message in try Self.select(selection, from: openMessages()) { result[message.key] = HeaderReader.messageID(in: message.body) }
        return result
    }

    /// `message` with its body in a spool file when it is longer than `threshold`.
    static func spooled(_ message: StoredMessage, above threshold: Int?) throws -> StoredMessage {
        guard let threshold, message.body.count > threshold else { return message }
        let file = try SpoolFile()
        try file.append(message.body.loaded)
        var spooled = message
        spooled.body = MessageBytes(spooled: file)
        return spooled
    }

    /// UID FETCH of bodies, in UID order, breaking where a fault is armed; a body over `maxBodySize` is
    /// left out and reported by its size, as the IMAP client does with an oversized literal.
    func messages(_ uids: [MessageKey], maxBodySize: Int64?) async throws -> MessageStream {
        let wanted = Set(uids)
        let armed = store.faults
        let all = try openMessages()
        let spoolThreshold = store.spoolThreshold
        var messages = try all.filter { wanted.contains($0.key) && !armed.withheld.contains($0.key) }.map(\.stored).map { message in
            guard let maxBodySize, Int64(message.body.count) > maxBodySize else { return try Self.spooled(message, above: spoolThreshold) }
            return StoredMessage(uid: message.uid, body: [], internalDate: message.internalDate, flags: message.flags,
                                 omittedSize: message.body.count)
        }
        if armed.echoes, let first = messages.first {
            messages.insert(first, at: 1)
            if let stray = all.first(where: { !wanted.contains($0.key) }) { messages.append(stray.stored) }
        }
        let fault = store.streamFault() ?? armed.everyStream
        if let after = armed.expungeWithheldAfterStreams, store.counters.fetchCalls >= after {
            let path = try openPath().path
            try store.withFolder(address, path) { folder in folder.messages.removeAll { armed.withheld.contains($0.key) } }
        }
        let cursor = StreamCursor(messages: messages, breakAfter: fault?.after, breakKind: fault?.kind ?? .transient, store: store)
        return MessageStream { try cursor.next() }
    }

    /// APPEND, one outcome per message, failing where a fault is armed.
    func append(_ messages: [OutgoingMessage], to path: String) async throws -> [AppendOutcome] {
        if messages.contains(where: { message in message.flags.contains { $0.lowercased() == "\\recent" } }) {
            throw MailStoreError(.failed, "BAD \\Recent cannot be set by APPEND")
        }
        if messages.contains(where: { $0.flags.contains { !Self.isAtom($0) } }) {
            throw MailStoreError(.failed, "BAD Invalid characters in keyword")
        }
        let fault = store.appendFault()
        if let fault, fault.moment == .beforeStoring {
            throw MailStoreError(fault.kind, "connection lost while sending APPEND")
        }
        let limit = store.faults.refuseLargerThan
        let unkept = store.faults.unkeptKeywords
        let outcomes: [AppendOutcome]
        do {
            outcomes = try store.withFolder(address, path) { folder in
                messages.map { message -> AppendOutcome in
                    if let limit, message.body.count > limit { return .refused("NO [TOOBIG] Message too large (\(message.body.count) bytes)") }
                    let date = message.internalDate ?? MessageDate(Self.now())
                    let uid = folder.add(message.body.loaded, flags: Set(message.flags).subtracting(unkept), internalDate: date)
                    return .stored(uidValidity: store.returnsUIDs ? folder.uidValidity : nil, uid: store.returnsUIDs ? uid : nil)
                }
            }
        } catch let error as MailStoreError where error.kind == .noSuchFolder {
            // APPEND to a missing folder is NO [TRYCREATE], for every message of the call.
            return messages.map { _ in .failed(MailStoreError(.failed, "NO [TRYCREATE] Mailbox doesn't exist: \(path)")) }
        }
        let stored = outcomes.filter { if case .stored = $0 { true } else { false } }.count
        store.count { $0.appendedMessages += stored }
        if let fault, fault.moment == .afterStoring {
            throw MailStoreError(fault.kind, "connection lost before the APPEND answer arrived")
        }
        return outcomes
    }

    /// UID STORE FLAGS, which needs the folder opened for writing.
    func replaceFlags(of uids: [MessageKey], with flags: [String]) async throws {
        store.count { $0.flagStores += 1 }
        if let kind = store.faults.failedFlagStores { throw MailStoreError(kind, "NO STORE failed") }
        let (path, writable) = try openPath()
        guard writable else { throw MailStoreError(.failed, "NO [READ-ONLY] Mailbox is open read-only") }
        if flags.contains(where: { !Self.isAtom($0) }) { throw MailStoreError(.failed, "BAD Invalid characters in keyword") }
        try store.withFolder(address, path) { folder in
            for uid in uids { _ = folder.setFlags(Set(flags), of: uid) }
        }
    }

    /// Whether a flag is `\` and an atom, or an atom (RFC 3501 §9): a server answers BAD to a command
    /// carrying anything else, whichever message it belongs to.
    static func isAtom(_ flag: String) -> Bool {
        let bytes = Array(flag.utf8.drop { $0 == UInt8(ascii: "\\") })
        return !bytes.isEmpty && bytes.allSatisfy { byte in (0x21...0x7E).contains(byte) && !"(){%*\"]\\".utf8.contains(byte) }
    }

    /// The mod-sequence a folder reports: none without CONDSTORE.
    private func modSeq(_ folder: FakeFolder) -> UInt64? { store.tracksChanges ? folder.highestModSeq : nil }

    /// Records the open folder.
    private func setOpen(_ value: (path: String, writable: Bool)?) {
        lock.lock()
        open = value
        lock.unlock()
    }

    /// The open folder; an error when there is none, as IMAP answers BAD outside the selected state.
    private func openPath() throws -> (path: String, writable: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard let open else { throw MailStoreError(.failed, "BAD No mailbox selected") }
        return open
    }

    /// The open folder's messages, in UID order.
    fileprivate func openMessages() throws -> [FakeMessage] {
        let path = try openPath().path
        return try store.withFolder(address, path) { $0.messages }
    }

    /// The messages a selection names.
    fileprivate static func select(_ selection: MessageSelection, from messages: [FakeMessage]) -> [FakeMessage] {
        switch selection {
        case .all: return messages
        case .uids(let uids):
            let wanted = Set(uids)
            return messages.filter { wanted.contains($0.key) }
        }
    }

    /// The current time as an internal date, for APPEND without a date.
    private static func now() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "dd-MMM-yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date())
    }
}

/// Gmail's labels (X-GM-EXT-1) on a store made with `hasLabels`: a message is in every folder that
/// holds the same bytes; All Mail (`\All`) shows every message, Trash and Spam are no labels.
extension FakeStoreSession {
    /// X-GM-LABELS and X-GM-MSGID of messages of the open folder, as folders; nil without labels.
    func labels(_ selection: MessageSelection) async throws -> [MessageKey: MessageLabels]? {
        guard store.hasLabels else { return nil }
        store.count { $0.labelFetches += 1 }
        let labelFolders = store.folders(of: address).filter { !["\\All", "\\Trash", "\\Junk"].contains($0.specialUse ?? "") }
        var result: [MessageKey: MessageLabels] = [:]
        for message in try Self.select(selection, from: openMessages()) {
            let folders = labelFolders.filter { folder in folder.messages.contains { $0.body == message.body } }.map(\.path)
            result[message.key] = MessageLabels(id: String(UInt(bitPattern: message.body.hashValue)), folders: folders)
        }
        return result
    }

    /// Whether folders are labels.
    var keepsLabels: Bool { store.hasLabels }

    /// UID STORE +X-GM-LABELS: the messages of `path` appear in `folder` too (once, however often labelled).
    func addLabel(of folder: String, to keys: [MessageKey], in path: String, uidValidity: UInt32) async throws -> Bool {
        guard store.hasLabels else { throw MailStoreError(.failed, "BAD Unknown command STORE X-GM-LABELS") }
        let roles = [folder, path].map { store.folder($0, of: address)?.specialUse ?? "" }
        if roles.contains(where: { ["\\All", "\\Trash", "\\Junk"].contains($0) }) { return false }
        let opened = try await openFolder(path, forWriting: true)
        guard opened.uidValidity == uidValidity else { return false }
        let wanted = Set(keys)
        let messages = try openMessages().filter { wanted.contains($0.key) }
        try store.withFolder(address, folder) { labelled in
            for message in messages where !labelled.messages.contains(where: { $0.body == message.body }) {
                _ = labelled.add(message.body, flags: message.flags, internalDate: message.internalDate)
            }
        }
        store.count { $0.labelStores += 1 }
        return true
    }
}

/// The reading position of one body stream; breaks after a set number of messages when armed to.
private final class StreamCursor: @unchecked Sendable {
    /// Guards the position: the copier's reading task and a cancelled one may both call.
    private let lock = NSLock()
    /// The messages not yet delivered.
    private var remaining: ArraySlice<StoredMessage>
    /// Messages delivered so far.
    private var delivered = 0
    /// After how many messages the stream breaks, if armed.
    private let breakAfter: Int?
    /// How the break is classified.
    private let breakKind: MailStoreError.Kind
    /// The store whose counters it feeds.
    private let store: FakeMailStore

    /// A cursor over `messages`.
    init(messages: [StoredMessage], breakAfter: Int?, breakKind: MailStoreError.Kind, store: FakeMailStore) {
        remaining = messages[...]
        self.breakAfter = breakAfter
        self.breakKind = breakKind
        self.store = store
    }

    /// The next message, nil at the end; throws where the stream is armed to break.
    func next() throws -> StoredMessage? {
        lock.lock()
        defer { lock.unlock() }
        if let breakAfter, delivered >= breakAfter {
            throw MailStoreError(breakKind, "connection lost after \(delivered) messages of the FETCH")
        }
        guard let message = remaining.popFirst() else { return nil }
        delivered += 1
        store.count { $0.fetchedMessages += 1 }
        return message
    }
}
