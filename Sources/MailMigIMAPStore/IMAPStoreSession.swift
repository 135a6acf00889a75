import MailMigCore
import MailMigIMAP

/// One logged-in IMAP connection as one mailbox: the `MailStoreSession` of `IMAPMailStore`.
///
/// Plans write folders with `/` between levels and without the server's namespace prefix; this
/// converts to and from each server's own delimiter and prefix (`INBOX.Sent` on a `.` server with
/// prefix `INBOX.`, `Sent` on a `/` server without one). Every IMAP error leaves it as a
/// `MailStoreError`, classified.
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
    /// Whether the server offers CONDSTORE (mod-sequences for cheap flag deltas).
    let tracksChanges: Bool

    /// Finishes setting up a logged-in client: enables CONDSTORE, learns the namespace.
    static func start(client: IMAPClient, side: MailSide, mailbox: String) async throws -> IMAPStoreSession {
        _ = try await client.refreshCapabilities()
        let enabled = try await client.enable(["CONDSTORE"])
        let capabilities = await client.capabilities
        var prefix = ""
        var delimiter: Character?
        if capabilities.contains("NAMESPACE"), let personal = try await client.namespaces().personal.first {
            prefix = personal.prefix
            delimiter = personal.delimiter
        }
        if delimiter == nil { delimiter = try await client.hierarchyDelimiter() }
        return IMAPStoreSession(client: client, side: side, mailbox: mailbox, delimiter: delimiter, prefix: prefix,
                                tracksChanges: enabled.contains("CONDSTORE") || capabilities.contains("CONDSTORE"))
    }

    var acceptsNUL: Bool { get async { await client.supports("BINARY") } }

    /// The server's name for a plan-form folder path.
    func serverName(_ path: String) -> String {
        if path.uppercased() == "INBOX" { return "INBOX" }
        let levels = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let joined = delimiter.map { levels.joined(separator: String($0)) } ?? levels.joined()
        return prefix + joined
    }

    /// The plan-form levels of a server folder name.
    func levels(of serverName: String) -> [String] {
        if serverName.uppercased() == "INBOX" { return ["INBOX"] }
        var name = Substring(serverName)
        if !prefix.isEmpty, name.hasPrefix(prefix) { name = name.dropFirst(prefix.count) }
        guard let delimiter else { return [String(name)] }
        return name.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
    }

    func folders(status: Bool) async throws -> [ListedFolder] {
        try await IMAPErrorClassifier.run {
            try await client.list(status: status).compactMap { info -> ListedFolder? in
                // The namespace prefix itself (e.g. `INBOX.` listed as a parent) is not a folder of its own.
                let levels = levels(of: info.name)
                guard !levels.isEmpty, !levels.contains(where: \.isEmpty) else { return nil }
                return ListedFolder(listing: FolderListing(levels: levels, specialUse: info.specialUse?.rawValue, selectable: info.isSelectable),
                                    status: info.status.map(Self.status))
            }
        }
    }

    static func status(_ status: MailMigIMAP.MailboxStatus) -> FolderStatus {
        FolderStatus(messages: status.messages, uidNext: status.uidNext, uidValidity: status.uidValidity, highestModSeq: status.highestModSeq)
    }

    func subscribedFolders() async throws -> Set<String> {
        try await IMAPErrorClassifier.run { Set(try await client.listSubscribed().map { levels(of: $0.name).joined(separator: "/") }) }
    }

    func createFolder(_ path: String) async throws {
        try await IMAPErrorClassifier.run { try await client.create(serverName(path)) }
    }

    func subscribe(_ path: String) async throws {
        try await IMAPErrorClassifier.run { try await client.subscribe(serverName(path)) }
    }

    func openFolder(_ path: String, forWriting: Bool) async throws -> FolderSnapshot {
        do {
            let selected = forWriting ? try await client.select(serverName(path)) : try await client.examine(serverName(path))
            return FolderSnapshot(uidValidity: selected.uidValidity, uidNext: selected.uidNext, highestModSeq: selected.highestModSeq,
                                  exists: selected.exists)
        } catch let error as IMAPError {
            if IMAPErrorClassifier.meansNoSuchFolder(error) { throw MailStoreError(.noSuchFolder, error.description) }
            throw IMAPErrorClassifier.classify(error)
        }
    }

    func closeFolder() async throws {
        try await IMAPErrorClassifier.run { try await client.unselect() }
    }

    func messageUIDs(_ filter: MessageFilter) async throws -> [MessageKey] {
        let criteria: SearchCriteria = switch filter {
        case .all: .all
        case .before(let day): .before(SearchCriteria.Day(year: day.year, month: day.month, day: day.day))
        case .size(let size): .and([.larger(max(0, size - 1)), .smaller(size + 1)])
        case .larger(let size): .larger(size)
        }
        return try await IMAPErrorClassifier.run { try await client.search(criteria) }.map(MessageKey.uid)
    }

    func metadata(_ selection: MessageSelection, changedSince: UInt64?) async throws -> [MessageMetadata] {
        let uids = Self.uidSet(selection)
        guard !uids.isEmpty else { return [] }
        return try await IMAPErrorClassifier.run {
            try await client.fetchMetadata(uids, changedSince: changedSince).map { message in
                MessageMetadata(uid: .uid(message.uid), size: message.size, internalDate: message.internalDate.flatMap(Self.date), flags: message.flags)
            }
        }
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
        let name = serverName(path)
        let outgoing = messages.map { message in
            AppendMessage(bytes: message.body, flags: message.flags, internalDate: message.internalDate.flatMap { InternalDate($0.text) },
                          containsNUL: message.containsNUL)
        }
        // MULTIAPPEND (RFC 3502) is one transaction: when the server refuses it, nothing was stored, and
        // the chunk is sent again message by message to find out which one it refuses.
        if outgoing.count > 1, await client.supports("MULTIAPPEND") {
            do {
                return try await client.multiAppend(outgoing, to: name).map { .stored(uidValidity: $0.uidValidity, uid: $0.uid.map(MessageKey.uid)) }
            } catch IMAPError.no {
                // Fall through to one APPEND per message.
            } catch {
                throw IMAPErrorClassifier.classify(error)
            }
        }
        return await client.appendEach(outgoing, to: name).map { result in
            switch result {
            case .success(let stored): return .stored(uidValidity: stored.uidValidity, uid: stored.uid.map(MessageKey.uid))
            case .failure(let error):
                if case .no(_, _, _, let code) = error, code != .overQuota, code != .tryCreate, !IMAPErrorClassifier.isTransient(error) {
                    return .refused(error.description)
                }
                return .failed(IMAPErrorClassifier.classify(error))
            }
        }
    }

    func replaceFlags(of uids: [MessageKey], with flags: [String]) async throws {
        let set = Self.uidSet(.uids(uids))
        guard !set.isEmpty else { return }
        _ = try await IMAPErrorClassifier.run { try await client.store(set, .replace, flags: flags) }
    }

    /// Logs out and closes, ignoring errors (the session is done either way).
    func close() async {
        try? await client.logout()
        await client.close()
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
            guard let body = message.body else {
                throw MailStoreError(.failed, "the server sent no body for UID \(message.uid)")
            }
            return StoredMessage(uid: .uid(message.uid), body: body, internalDate: message.internalDate.flatMap(IMAPStoreSession.date), flags: message.flags)
        } catch {
            throw IMAPErrorClassifier.classify(error)
        }
    }
}
