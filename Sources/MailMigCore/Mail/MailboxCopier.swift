import Foundation
import MailMigConcurrency

/// One pass over one mailbox: folders mapped and created, new mail copied exactly once, flags carried.
///
/// Exactly-once rests on the ledger: a source message (folder, UIDVALIDITY, UID) with a ledger row is
/// never appended again. Before a chunk is appended its messages are recorded as pending; after the
/// server confirms them they move to the ledger in one transaction. A pass that died in between leaves
/// pending rows, which the next pass first looks for on the target (`reconcilePending`).
struct MailboxCopier: Sendable {
    let mailbox: MailboxMapping
    let batch: String
    let settings: MailPassSettings
    let store: StateStore
    let source: any MailStore
    let target: any MailStore
    let faults: FaultInjection
    let progress: (any MailProgress)?
    /// Which copy of the mailbox this pass keeps: nil for the target, `backup` for the local backup.
    /// The ledger, the folder records and the skipped messages of each are kept apart by it.
    var ledgerScope: String? = nil
    /// The worker's leases in a shared apply: a chunk is appended only while they can be trusted.
    var lease: LeaseGuard? = nil
    /// The apply's spare passes, which this pass borrows to copy several folders at once.
    var lanes: SpareLanes? = nil

    /// The bytes of message bodies one pass holds in memory at most, across all its lanes: read and
    /// waiting for their chunk, queued, or being appended (bodies spooled to a file do not count).
    static let bodyBudgetBytes = 4 << 20
    /// Messages per APPEND chunk, and the bytes after which a chunk is sent early: half the budget, so
    /// a lane alone still reads its next chunk while one is appended.
    static let chunkMessages = 64
    static let chunkBytes = bodyBudgetBytes / 2
    /// The budget of this pass's message bodies, shared by its lanes (and its retries).
    let bodies = ByteBudget(bytes: MailboxCopier.bodyBudgetBytes)
    /// Appended messages read back from the target at a time (one exchange each): bounds the ledger
    /// rows a folder's copy holds for the read-back, whatever the folder's size.
    static let readBackBatch = 1_000

    var mailboxID: String { mailbox.source.description }

    /// The mailbox as the state keys this copy's ledger (`alice@acme.test`, `backup:alice@acme.test`).
    var ledgerKey: String { MailboxCopier.ledgerKey(mailboxID, scope: ledgerScope) }

    /// The scope of the backup's copy (`backup:alice@acme.test` in the ledger).
    static let backupScope = "backup"

    /// The ledger key of a mailbox's copy: the source address, prefixed by the scope for a copy other than the target.
    static func ledgerKey(_ mailbox: String, scope: String?) -> String {
        scope.map { "\($0):\(mailbox)" } ?? mailbox
    }

    /// Runs the pass; throws a `MailError` naming server, mailbox and folder.
    func run() async throws -> MailPassResult {
        // Both sides log in at once, and list at once: over a WAN each is several round trips.
        try await source.withSessions(and: target, for: mailbox) { src, dst in try await copy(src: src, dst: dst, asked: nil) }
    }

    /// Runs the pass when a folder changed since the last one, in the session that asked the source;
    /// nil, without logging in to the target, when none did. Folders are compared as planning compares
    /// them (`FolderRecord.isCurrent`). Throws as `run()`.
    func runIfChanged() async throws -> MailPassResult? {
        try await source.withSession(for: mailbox) { src in
            let listed = try await wrap(folder: nil, side: .source) { try await src.folders(status: true) }
            // Only the pass over a folder writes its record, so these stay true for the copy below.
            let records = try FolderRecords.read(mailbox: ledgerKey, from: store)
            // The target's naming changes where folders go, never which ones go.
            let mappings = FolderMapper.map(source: listed.map(\.listing), target: [], rules: settings.folders, targetDelimiter: nil).mappings
            let statuses = listed.statusByPath
            guard mappings.contains(where: { records.changed($0.source, status: statuses[$0.source] ?? nil, for: settings) }) else { return nil }
            return try await target.withSession(for: mailbox) { dst in try await copy(src: src, dst: dst, asked: (listed, records)) }
        }
    }

    /// The pass over open sessions; `asked`, the source's folders with their status and the folder
    /// records, when the caller read them already.
    private func copy(src: any MailStoreSession, dst: any MailStoreSession,
                      asked: (listed: [ListedFolder], records: FolderRecords)?) async throws -> MailPassResult {
        var result = MailPassResult()
        // Each side's folders and subscriptions are asked at once: one round trip, not two.
        async let sourceListing = wrap(folder: nil, side: .source) { () async throws -> ([ListedFolder], Set<String>) in
            async let subscribed = src.subscribedFolders()
            let folders = if let asked { asked.listed } else { try await src.folders(status: true) }
            return (folders, try await subscribed)
        }
        result.reconciled = try await reconcilePending(dst)
        if result.reconciled > 0 { progress?.recovered(mailbox: mailboxID, count: result.reconciled) }
        // The target's STATUS serves only the check below for mail in folders the state knows nothing
        // of: asked of every folder before a first pass; once the mailbox has copies, a folder new
        // since is opened alone instead of every folder being asked on every pass.
        let targetStatus = try settings.dedupeChosen != true && store.ledgerCount(mailbox: ledgerKey, folder: nil) == 0
        let (targetFolders, targetSubscribed) = try await wrap(folder: nil, side: .target) {
            async let subscribed = dst.subscribedFolders()
            return (try await dst.folders(status: targetStatus), try await subscribed)
        }
        let (sourceFolders, subscribed) = try await sourceListing
        let folderPlan = FolderMapper.map(source: sourceFolders.map(\.listing), target: targetFolders.map(\.listing),
                                          rules: settings.folders, targetDelimiter: dst.delimiter, targetInbox: dst.inboxSpelling)
        if let collision = folderPlan.collisionError {
            throw MailError(side: .target, server: target.server, mailbox: mailboxID, reason: collision)
        }
        var existing = Set(targetFolders.map(\.listing.path))
        var subscribing = targetSubscribed
        var setups: [(mapping: FolderMapping, setup: FolderSetup)] = []
        for mapping in folderPlan.mappings {
            // The INBOX always exists, however a folders.map entry spells it.
            let create = !existing.contains(mapping.target) && !mapping.targetIsInbox
            let subscribe = subscribed.contains(mapping.source) && !subscribing.contains(mapping.target)
            existing.insert(mapping.target)
            if subscribe { subscribing.insert(mapping.target) }
            if create || subscribe { setups.append((mapping, FolderSetup(path: mapping.target, create: create, subscribe: subscribe))) }
        }
        // All in one go: over a WAN two round trips per folder add up.
        let outcomes = try await wrap(folder: nil, side: .target) { try await dst.setUp(setups.map(\.setup)) }
        for ((mapping, setup), outcome) in zip(setups, outcomes) {
            if case .failure(let error) = outcome {
                throw MailError.wrapping(error, side: .target, server: target.server, mailbox: mailboxID, folder: mapping.source)
            }
            if setup.create { result.createdFolders += 1 }
        }
        guard settings.stage > .prepare else { return result }
        if settings.dedupeChosen != true {
            // Checked again here, not only when planning: the state may have been lost since.
            let unrecorded = try await UnrecordedTargetMail.find(folderPlan.mappings, mailbox: ledgerKey,
                                                                 targetFolders: targetFolders, store: store) { path in
                try await wrap(folder: path, side: .target) { try await dst.openFolder(path, forWriting: false).exists }
            }
            if !unrecorded.isEmpty {
                throw MailError(side: .target, server: target.server, mailbox: mailboxID,
                                reason: UnrecordedTargetMail.holdReason(unrecorded, mailbox: mailboxID))
            }
        }
        let statuses = sourceFolders.statusByPath
        let records = try asked?.records ?? FolderRecords.read(mailbox: ledgerKey, from: store)
        let labels = try labelPlan(folderPlan, statuses: statuses, records: records, src: src)
        // Under folders.labels: keywords each message is read in its home folder only, its other labels as keywords.
        let reader: any MailStoreSession = labels.mode == .keywords ? LabelKeywordsSession(base: src, plan: labels) : src
        var undelivered: [(folder: String, keys: [MessageKey])] = []
        var unreadable: [MailError] = []
        // The last folder's read-back, finished while the next folder is opened (`copyFolder`).
        var tail: FolderTail?
        do {
            try await copyFoldersInLanes(folderPlan.mappings, statuses: statuses, records: records, labels: labels, src: reader, dst: dst, tail: &tail,
                                  undelivered: &undelivered, unreadable: &unreadable, result: &result)
        } catch {
            // What was appended stays copied; what the target changed of it is recorded if the target still answers.
            try? await tail?.finish(self, dst: dst)
            throw error
        }
        try await tail?.finish(self, dst: dst)
        // The other folders went on; the pass still fails, so nothing calls this mailbox done.
        if let first = unreadable.first {
            let others = unreadable.count > 1 ? " (and \(unreadable.count - 1) more folder\(unreadable.count == 2 ? "" : "s"))" : ""
            throw MailError(side: .source, server: source.server, mailbox: mailboxID, folder: first.folder, kind: first.kind,
                            reason: "the server refused to open it\(others): \(first.reason); the other folders were copied, "
                                + "the next apply tries again (folders.exclude leaves it behind)")
        }
        if let first = undelivered.first {
            throw MailError(side: .source, server: source.server, mailbox: mailboxID, folder: first.folder,
                            reason: Self.undeliveredReason(first.keys, moreFolders: undelivered.count - 1))
        }
        return result
    }

    /// Copies each folder in turn; a folder the source refuses to open or does not fully deliver is
    /// noted, and the others go on. The last folder's read-back is left in `tail`.
    func copyFolders(_ mappings: [FolderMapping], statuses: [String: FolderStatus?], records: FolderRecords, labels: LabelPlan, src: any MailStoreSession,
                     dst: any MailStoreSession, tail: inout FolderTail?, undelivered: inout [(folder: String, keys: [MessageKey])],
                     unreadable: inout [MailError], result: inout MailPassResult) async throws {
        for mapping in mappings {
            result.folders += 1
            let droppedBefore = result.droppedKeywords[mapping.source]
            defer {
                if let dropped = result.droppedKeywords[mapping.source], dropped != droppedBefore {
                    progress?.keywordsDropped(mailbox: mailboxID, folder: mapping.source, keywords: dropped)
                }
            }
            // All Mail is decided against what the other folders copied: not after one of them failed.
            if mapping.rule == .allMail, !unreadable.isEmpty || !undelivered.isEmpty { continue }
            do {
                let missing = try await copyFolder(mapping, status: statuses[mapping.source] ?? nil, recorded: records[mapping.source],
                                                   labels: labels, src: src, dst: dst,
                                                   tail: &tail, result: &result)
                if !missing.isEmpty { undelivered.append((mapping.source, missing)) }
            } catch let failure as UnreadableFolder {
                unreadable.append(failure.error)
            }
        }
    }

    /// The pass's label plan: `folders.labels: keywords` only where the source has labels (Gmail's
    /// X-GM-EXT-1), with where each message was copied from and whether any copied folder changed.
    func labelPlan(_ folderPlan: FolderPlan, statuses: [String: FolderStatus?], records: FolderRecords, src: any MailStoreSession) throws -> LabelPlan {
        var labels = try LabelPlan.reading(folderPlan, requested: settings.folders.labels, source: src) {
            try store.ledger(mailbox: ledgerKey, folder: nil)
        }
        guard labels.mode == .keywords else { return labels }
        labels.changedElsewhere = folderPlan.mappings.contains { records.changed($0.source, status: statuses[$0.source] ?? nil, for: settings) }
        return labels
    }

    /// Runs `body`, naming the side (and the folder, when there is one) in any error.
    func wrap<T: Sendable>(folder: String?, side: MailSide, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            let server = side == .source ? source.server : target.server
            throw MailError.wrapping(error, side: side, server: server, mailbox: mailboxID, folder: folder)
        }
    }

    /// The presync cutoff as a day (searches before a date are by day, in UTC here).
    var cutoffDay: CalendarDay? { settings.cutoff.flatMap(MailPlanner.searchDay) }

    /// The cutoff day as text, recorded with a presync pass.
    var cutoffText: String? { MailPlanner.day(settings.cutoff) }

    /// The sentence for messages a source listed but would not deliver, even when asked twice.
    static func undeliveredReason(_ keys: [MessageKey], moreFolders: Int) -> String {
        let named = keys.sorted().prefix(3).map(\.description).joined(separator: ", ") + (keys.count > 3 ? ", …" : "")
        let others = moreFolders > 0 ? " (and messages of \(moreFolders) more folder\(moreFolders == 1 ? "" : "s"))" : ""
        return "the server listed \(keys.count) message\(keys.count == 1 ? "" : "s") it did not return when asked twice (\(named))\(others); "
            + "\(keys.count == 1 ? "it is" : "they are") not counted as copied, and the next apply asks again"
    }

    /// Flags a target can store: everything but the session flag `\Recent`.
    static func storable(_ flags: Set<String>) -> [String] {
        MessageFlags.storable(flags)
    }
}
