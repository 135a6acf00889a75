import MailMigCore
import MailMigIMAP

/// One logged-in IMAP connection as one mailbox: the `MailStoreSession` of `IMAPMailStore`.
///
/// Plans write folders with `/` between levels and without the server's namespace prefix; this
/// converts to and from each server's own delimiter and prefix (`INBOX.Sent` on a `.` server with
/// prefix `INBOX.`, `Sent` on a `/` server without one). A listed folder is addressed by the exact
/// name LIST gave (`IMAPFolderNames`). Every IMAP error leaves it as a `MailStoreError`, classified.
struct IMAPStoreSession: MailStoreSession {
    /// The IMAP connection.
    let client: IMAPClient
    /// Which side it is.
    let side: MailSide
    /// The mailbox (source address) it acts for, for messages.
    let mailbox: String
    /// The hierarchy delimiter of the personal namespace.
    let delimiter: Character?
    /// The personal namespace prefix (`INBOX.` or empty).
    let prefix: String
    /// The other namespaces NAMESPACE named (other users', shared).
    var otherNamespaces: [IMAPFolderNames.Other] = []
    /// Whether the server offers CONDSTORE (mod-sequences for cheap flag deltas).
    let tracksChanges: Bool
    /// Whether the server offers Gmail's X-GM-EXT-1: its folders are labels of one message store.
    var offersLabels = false
    /// The names the last LIST gave.
    let table = FolderNameTable()

    /// Finishes setting up a logged-in client: enables CONDSTORE and learns the namespace, in one exchange.
    static func start(client: IMAPClient, side: MailSide, mailbox: String) async throws -> IMAPStoreSession {
        // The login learned the capabilities (from its OK's CAPABILITY code, or by asking): not asked again.
        if await client.capabilities.isEmpty { _ = try await client.refreshCapabilities() }
        let (enabled, listed) = try await client.enableAndListNamespaces(["CONDSTORE"])
        let capabilities = await client.capabilities
        var prefix = ""
        var delimiter: Character?
        var others: [IMAPFolderNames.Other] = []
        if let namespaces = listed {
            if let personal = namespaces.personal.first {
                prefix = personal.prefix
                delimiter = personal.delimiter
            }
            // A second personal namespace is the user's too; other users' and shared ones are not.
            others = namespaces.otherUsers.map { .init(prefix: $0.prefix, delimiter: $0.delimiter, kind: .otherUsers) }
                + namespaces.shared.map { .init(prefix: $0.prefix, delimiter: $0.delimiter, kind: .shared) }
        }
        if delimiter == nil { delimiter = try await client.hierarchyDelimiter() }
        return IMAPStoreSession(client: client, side: side, mailbox: mailbox, delimiter: delimiter, prefix: prefix, otherNamespaces: others,
                                tracksChanges: enabled.contains("CONDSTORE") || capabilities.contains("CONDSTORE"),
                                offersLabels: capabilities.contains("X-GM-EXT-1"))
    }

    var acceptsNUL: Bool { get async { await client.supports("BINARY") } }

    /// How names and paths correspond on this server.
    var names: IMAPFolderNames { IMAPFolderNames(prefix: prefix, delimiter: delimiter, others: otherNamespaces) }

    var inboxSpelling: InboxSpelling { names.inboxSpelling }

    /// The name to send for a plan-form path: the one LIST gave for it (listing first when nothing
    /// has yet), or, for a path nothing listed, the name a new folder there gets.
    func serverName(_ path: String) async throws -> MailboxName {
        if !table.isFilled { _ = try await folders(status: false) }
        switch table.entry(path) {
        case .listed(let name)?: return name
        case .ambiguous(let names)?:
            throw MailStoreError(.failed, "the folders \(names.map { "'\($0)'" }.joined(separator: " and ")) have the same path '\(path)', so neither is opened")
        case nil: return MailboxName(names.derivedName(path))
        }
    }

    func folders(status: Bool) async throws -> [ListedFolder] {
        try await IMAPErrorClassifier.run {
            let naming = names
            var listed: [(path: String, info: MailboxInfo)] = []
            var folders: [ListedFolder] = []
            for info in try await client.list(status: status) {
                guard let listing = naming.listing(of: info) else { continue }
                listed.append((listing.path, info))
                folders.append(ListedFolder(listing: listing, status: info.status.map(Self.status)))
            }
            table.fill(listed)
            table.fillRoles(folders.map(\.listing))
            return folders
        }
    }

    static func status(_ status: MailMigIMAP.MailboxStatus) -> FolderStatus {
        FolderStatus(messages: status.messages, uidNext: status.uidNext, uidValidity: status.uidValidity, highestModSeq: status.highestModSeq,
                     size: status.size.map { Int64(clamping: $0) })
    }

    func subscribedFolders() async throws -> Set<String> {
        try await IMAPErrorClassifier.run { Set(try await client.listSubscribed().map { names.levels(of: $0.name).joined(separator: "/") }) }
    }

    func createFolder(_ path: String) async throws {
        try await IMAPErrorClassifier.run { try await client.create(names.derivedName(path)) }
    }

    func subscribe(_ path: String) async throws {
        try await IMAPErrorClassifier.run { try await client.subscribe(try await serverName(path)) }
    }

    func setUp(_ folders: [FolderSetup]) async throws -> [Result<Void, any Error>] {
        var requests: [MailboxSetup] = []
        for folder in folders {
            // A folder to create gets the name a new folder there gets; one listed keeps LIST's name.
            let name = folder.create ? MailboxName(names.derivedName(folder.path)) : try await serverName(folder.path)
            requests.append(MailboxSetup(name: name, create: folder.create, subscribe: folder.subscribe))
        }
        return await client.setUp(requests).map { outcome in outcome.mapError { IMAPErrorClassifier.classify($0) } }
    }

    func openFolder(_ path: String, forWriting: Bool) async throws -> FolderSnapshot {
        let name = try await serverName(path)
        return Self.snapshot(try await Self.opening { forWriting ? try await client.select(name) : try await client.examine(name) })
    }

    static func snapshot(_ selected: SelectedMailbox) -> FolderSnapshot {
        FolderSnapshot(uidValidity: selected.uidValidity, uidNext: selected.uidNext, highestModSeq: selected.highestModSeq, exists: selected.exists)
    }

    /// Runs `body`, which opens a mailbox: a mailbox the server says is not there is `.noSuchFolder`.
    static func opening<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as IMAPError {
            if IMAPErrorClassifier.meansNoSuchFolder(error) { throw MailStoreError(.noSuchFolder, error.description) }
            throw IMAPErrorClassifier.classify(error)
        }
    }

    func closeFolder() async throws {
        try await IMAPErrorClassifier.run { try await client.unselect() }
    }

    func messageUIDs(_ filter: MessageFilter) async throws -> [MessageKey] {
        try await IMAPErrorClassifier.run { try await client.search(Self.criteria(filter)) }.map(MessageKey.uid)
    }

    static func criteria(_ filter: MessageFilter) -> SearchCriteria {
        switch filter {
        case .all: .all
        case .before(let day): .before(SearchCriteria.Day(year: day.year, month: day.month, day: day.day))
        case .size(let size): .and([.larger(max(0, size - 1)), .smaller(size + 1)])
        case .larger(let size): .larger(size)
        }
    }

    func metadata(_ selection: MessageSelection, changedSince: UInt64?) async throws -> [MessageMetadata] {
        let uids = Self.uidSet(selection)
        guard !uids.isEmpty else { return [] }
        return try await IMAPErrorClassifier.run {
            try await client.fetchMetadata(uids, changedSince: changedSince).map(Self.metadata)
        }
    }

    static func metadata(_ message: FetchedMessage) -> MessageMetadata {
        MessageMetadata(uid: .uid(message.uid), size: message.size, internalDate: message.internalDate.flatMap(Self.date), flags: message.flags)
    }

    /// EXAMINE, UID SEARCH and the metadata FETCH sent together (`IMAPClient.read`).
    func read(_ path: String, listing filter: MessageFilter, metadata: ReadingMetadata) async throws -> FolderReading {
        switch metadata {
        case .none: try await reading(path, search: Self.criteria(filter), metadataOf: nil, close: false)
        case .all: try await reading(path, search: Self.criteria(filter), metadataOf: .all, close: false)
        case .changedSince(let modSeq):
            try await reading(path, search: Self.criteria(filter), metadataOf: .all, changedSince: modSeq, close: false)
        }
    }

    /// EXAMINE, the metadata FETCH and UNSELECT sent together (`IMAPClient.read`).
    func readMetadata(_ selection: MessageSelection, in path: String) async throws -> FolderReading {
        let uids = Self.uidSet(selection)
        return try await reading(path, search: nil, metadataOf: uids.isEmpty ? nil : uids, close: true)
    }

    private func reading(_ path: String, search: SearchCriteria?, metadataOf: UIDSet?, changedSince: UInt64? = nil,
                         close: Bool) async throws -> FolderReading {
        let name = try await serverName(path)
        let found = try await Self.opening {
            try await client.read(name, search: search, metadataOf: metadataOf, changedSince: changedSince, close: close)
        }
        return FolderReading(snapshot: Self.snapshot(found.mailbox), keys: found.uids.map(MessageKey.uid), metadata: found.metadata.map(Self.metadata))
    }

    func messageIDs(_ selection: MessageSelection) async throws -> [MessageKey: String?] {
        let uids = Self.uidSet(selection)
        guard !uids.isEmpty else { return [:] }
        let ids = try await IMAPErrorClassifier.run { try await client.fetchMessageIDs(uids) }
        return Dictionary(uniqueKeysWithValues: ids.map { (MessageKey.uid($0.key), $0.value) })
    }

    func messages(_ uids: [MessageKey], maxBodySize: Int64?) async throws -> MessageStream {
        let set = Self.uidSet(.uids(uids))
        guard !set.isEmpty else { return MessageStream { nil } }
        let limit = maxBodySize.map { Int(clamping: max(0, $0)) }
        let stream = try await IMAPErrorClassifier.run { try await client.fetch(set, body: true, maxBodySize: limit) }
        let reader = FetchReader(stream.makeAsyncIterator())
        return MessageStream { try await reader.next() }
    }

    func append(_ messages: [OutgoingMessage], to path: String) async throws -> [AppendOutcome] {
        let name = try await serverName(path)
        let outgoing = messages.map { message in
            AppendMessage(content: message.body, flags: message.flags, internalDate: message.internalDate.flatMap { InternalDate($0.text) },
                          containsNUL: message.containsNUL)
        }
        // MULTIAPPEND (RFC 3502) is one transaction: when the server refuses it, nothing was stored. A
        // refusal that may concern one message sends the chunk again message by message to find out
        // which; a busy server, a full quota or a missing folder would refuse each of them alike.
        if outgoing.count > 1, await client.supports("MULTIAPPEND") {
            do {
                return try await client.multiAppend(outgoing, to: name).map { .stored(uidValidity: $0.uidValidity, uid: $0.uid.map(MessageKey.uid)) }
            } catch let error as IMAPError where IMAPErrorClassifier.mayConcernOneMessage(error) {
                // Fall through to one APPEND per message.
            } catch let error as IMAPError {
                throw IMAPErrorClassifier.appendFailure(error)
            } catch {
                throw IMAPErrorClassifier.classify(error)
            }
        }
        return IMAPErrorClassifier.appendOutcomes(await client.appendEach(outgoing, to: name))
    }

    func replaceFlags(of uids: [MessageKey], with flags: [String]) async throws {
        let set = Self.uidSet(.uids(uids))
        guard !set.isEmpty else { return }
        _ = try await IMAPErrorClassifier.run { try await client.store(set, .replace, flags: flags) }
    }

    /// Ends the session without waiting for the server's goodbye (`IMAPClient.startLogout`): the
    /// connection slot is free for the next login a round trip sooner.
    func close() async {
        await client.startLogout()
    }

    /// The UIDs a selection names; keys that are not UIDs name no message of an IMAP folder (a ledger
    /// written while the plan read another kind of store) and are left out, as unknown UIDs are. An
    /// empty set names nothing, and callers send no command for it (it is not valid IMAP syntax).
    static func uidSet(_ selection: MessageSelection) -> UIDSet {
        switch selection {
        case .all: return .all
        case .uids(let keys): return UIDSet(keys.compactMap(\.uid))
        }
    }

    static func date(_ date: InternalDate) -> MessageDate? { MessageDate(wellFormed: date.description) }
}

/// The reader of one FETCH stream, shared by the `MessageStream` closure; one consumer at a time.
private final class FetchReader: @unchecked Sendable {
    // Only the copier's reading task calls `next`, one call at a time, so the iterator needs no lock.
    private var iterator: FetchStream.AsyncIterator

    init(_ iterator: FetchStream.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> StoredMessage? {
        do {
            guard let message = try await iterator.next() else { return nil }
            if let omitted = message.omittedBodySize {
                return StoredMessage(uid: .uid(message.uid), body: [], internalDate: message.internalDate.flatMap(IMAPStoreSession.date),
                                     flags: message.flags, omittedSize: omitted)
            }
            guard let body = message.content else {
                throw MailStoreError(.failed, "the server sent no body for UID \(message.uid)")
            }
            return StoredMessage(uid: .uid(message.uid), content: body, internalDate: message.internalDate.flatMap(IMAPStoreSession.date), flags: message.flags)
        } catch {
            throw IMAPErrorClassifier.classify(error)
        }
    }
}
