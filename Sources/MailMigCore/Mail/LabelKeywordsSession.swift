import Foundation

/// A source whose folders are labels (Gmail) as `folders.labels: keywords` shows it: each message in
/// one folder only, its home (`LabelPlan.home`), with its other copied labels as keywords.
///
/// The copier and verify read the source through it, so what they list, copy, compare and carry as
/// flags is that view, and the ledger records each message once with its label keywords among its
/// flags. Opening a folder asks the store which folders show each of its messages (one FETCH of
/// X-GM-LABELS); a message the store says nothing of stays in the folder it was found in, so it is
/// copied rather than lost. Everything else passes to the store unchanged.
final class LabelKeywordsSession: MailStoreSession, @unchecked Sendable {
    /// The store's session.
    let base: any MailStoreSession
    /// Homes and keywords.
    let plan: LabelPlan
    /// Guards `open`.
    private let lock = NSLock()
    /// The open folder and the labels of its messages (nil: the store has no labels).
    private var open: (path: String, labels: [MessageKey: MessageLabels]?)?

    /// The view of `base` under `plan`.
    init(base: any MailStoreSession, plan: LabelPlan) {
        self.base = base
        self.plan = plan
    }

    var side: MailSide { base.side }
    var delimiter: Character? { base.delimiter }
    var tracksChanges: Bool { base.tracksChanges }
    var acceptsNUL: Bool { get async { await base.acceptsNUL } }
    var inboxSpelling: InboxSpelling { base.inboxSpelling }

    func folders(status: Bool) async throws -> [ListedFolder] { try await base.folders(status: status) }
    func subscribedFolders() async throws -> Set<String> { try await base.subscribedFolders() }
    func createFolder(_ path: String) async throws { try await base.createFolder(path) }
    func subscribe(_ path: String) async throws { try await base.subscribe(path) }

    func openFolder(_ path: String, forWriting: Bool) async throws -> FolderSnapshot {
        setOpen(nil)
        let snapshot = try await base.openFolder(path, forWriting: forWriting)
        let labels = snapshot.exists > 0 ? try await base.labels(.all) : [:]
        setOpen((path, labels))
        return snapshot
    }

    func closeFolder() async throws {
        setOpen(nil)
        try await base.closeFolder()
    }

    func messageUIDs(_ filter: MessageFilter) async throws -> [MessageKey] {
        let keys = try await base.messageUIDs(filter)
        guard let (path, labels) = current(), let labels else { return keys }
        return keys.filter { key in labels[key].map { plan.home(of: $0, foundIn: path) == path } ?? true }
    }

    func metadata(_ selection: MessageSelection, changedSince: UInt64?) async throws -> [MessageMetadata] {
        let listed = try await base.metadata(selection, changedSince: changedSince)
        guard let (path, labels) = current(), let labels else { return listed }
        return listed.compactMap { message in
            guard let found = labels[message.uid] else { return message }
            guard plan.home(of: found, foundIn: path) == path else { return nil }
            var shown = message
            shown.flags.formUnion(plan.keywords(of: found, besides: path))
            return shown
        }
    }

    func messageIDs(_ selection: MessageSelection) async throws -> [MessageKey: String?] { try await base.messageIDs(selection) }

    func messages(_ uids: [MessageKey], maxBodySize: Int64?) async throws -> MessageStream {
        let stream = try await base.messages(uids, maxBodySize: maxBodySize)
        guard let (path, labels) = current(), let labels else { return stream }
        let plan = plan
        return stream.mapMessages { message in
            guard let found = labels[message.uid] else { return message }
            var shown = message
            shown.flags.formUnion(plan.keywords(of: found, besides: path))
            return shown
        }
    }

    func append(_ messages: [OutgoingMessage], to path: String) async throws -> [AppendOutcome] { try await base.append(messages, to: path) }
    func replaceFlags(of uids: [MessageKey], with flags: [String]) async throws { try await base.replaceFlags(of: uids, with: flags) }
    /// The labels read when the folder was opened, asking the store again only for keys it did not describe then.
    func labels(_ selection: MessageSelection) async throws -> [MessageKey: MessageLabels]? {
        guard let (_, cached) = current(), let cached, case .uids(let keys) = selection, keys.allSatisfy({ cached[$0] != nil }) else {
            return try await base.labels(selection)
        }
        let wanted = Set(keys)
        return cached.filter { wanted.contains($0.key) }
    }

    /// The open folder and its messages' labels.
    private func current() -> (String, [MessageKey: MessageLabels]?)? {
        lock.lock()
        defer { lock.unlock() }
        return open.map { ($0.path, $0.labels) }
    }

    private func setOpen(_ value: (path: String, labels: [MessageKey: MessageLabels]?)?) {
        lock.lock()
        open = value
        lock.unlock()
    }
}
