import Foundation
import MailMigConcurrency

/// Compares every migrated mailbox of a plan on both servers, folder by folder (`mailmig verify`).
///
/// Folders are mapped with `FolderMapper` exactly as the copier maps them. Per folder the counts,
/// the Message-ID multiset, the size sums, the flags and the internal dates are compared; with
/// `deep` also the SHA-256 of every body, streamed one message at a time. A mailbox still at presync
/// is compared only on what presync copied.
public struct Verifier: Sendable {
    /// The plan and the connections to both sides.
    public let context: MailContext
    /// The state with the ledger.
    public let store: StateStore
    /// Whether to compare bodies too.
    public var deep: Bool
    /// Which mailboxes to verify (`--target`); empty verifies all.
    public var filter: ResourceFilter
    /// Whether the backup is compared with the source instead of the target (`--backup`): bodies are
    /// always hashed, and a store that keeps its own record of what it holds checks itself against it.
    public var backup: Bool

    /// Creates a verifier.
    public init(context: MailContext, store: StateStore, deep: Bool = false, filter: ResourceFilter = ResourceFilter(), backup: Bool = false) {
        self.context = context
        self.store = store
        // A POP3 message has no flags or folder to compare: its bytes are what identifies it.
        self.deep = deep || backup || context.plan.source.access.key == "pop3"
        self.filter = filter
        self.backup = backup
    }

    /// The copy compared with the source: the target, or the backup.
    var destination: any MailStore { backup ? context.backup ?? context.target : context.target }

    /// The folder rules the compared copy was made with.
    var rules: FolderRules {
        backup ? context.backupSettings(for: context.settings(for: .sync, now: Date())).folders : context.plan.folders
    }

    /// The mailbox as the state keys the compared copy's ledger.
    func ledgerKey(_ mailbox: String) -> String {
        MailboxCopier.ledgerKey(mailbox, scope: backup ? MailboxCopier.backupScope : nil)
    }

    /// Verifies the plan's mailboxes; a mailbox whose servers cannot be read is reported failed, not thrown.
    ///
    /// Up to four mailboxes (fewer when a server allows fewer connections) are verified at a time.
    public func run(now: Date = Date()) async throws -> VerificationReport {
        var results: [MailboxVerification?] = []
        var work: [(index: Int, mailbox: MailboxMapping, stage: Stage)] = []
        for mailbox in context.plan.mailboxes where filter.keeps(MailboxRecord.address(mailbox.source.description)) {
            let source = mailbox.source.description
            let record = try store.resource(MailboxRecord.address(source)).flatMap { try? $0.decode(MailboxRecord.self) }
            if let record, let stage = record.reached, stage > .prepare {
                work.append((results.count, mailbox, stage))
                results.append(nil)
            } else if let copied = try? store.ledger(mailbox: ledgerKey(source)).count,
                      let pending = try? store.pendingCopies(mailbox: ledgerKey(source)).count, copied + pending > 0 {
                let reason = "a pass copied \(Formatting.count(copied)) message\(copied == 1 ? "" : "s") and was interrupted before it completed; "
                    + "run mailmig apply to finish it"
                results.append(MailboxVerification(source: source, target: mailbox.target.description, stage: record?.reached,
                                                   outcome: .interrupted, error: reason))
            } else {
                results.append(MailboxVerification(source: source, target: mailbox.target.description, stage: record?.reached, outcome: .notMigrated))
            }
        }
        let limit = min(context.plan.source.connections, context.plan.target.connections, 4)
        let verified = try await BoundedConcurrency.map(work, limit: limit) { item in (item.index, await verify(item.mailbox, stage: item.stage)) }
        for (index, result) in verified { results[index] = result }
        var report = VerificationReport(at: now, deep: deep, mailboxes: results.compactMap { $0 }, backup: backup)
        report.gatesCutover = !context.plan.domains.isEmpty
        return report
    }

    /// Verifies one mailbox.
    func verify(_ mailbox: MailboxMapping, stage: Stage) async -> MailboxVerification {
        let source = mailbox.source.description
        do {
            let folders = try await context.source.withSessions(and: destination, for: mailbox) { src, dst in
                try await compareFolders(mailbox, onlyLedger: stage < .sync, src: src, dst: dst)
            }
            var integrity: [String] = []
            if let checking = destination as? any SelfCheckingMailStore {
                integrity = try await checking.checkIntegrity(of: mailbox)
            }
            var collections: [CollectionVerification]?
            if !backup, let rules = context.plan.collections, let sourceItems = context.sourceCollections, let targetItems = context.targetCollections {
                collections = try await CollectionVerifier.verify(mailbox, rules: rules, source: sourceItems, target: targetItems,
                                                                  preparation: ItemPreparation(plan: context.plan),
                                                                  ledger: try store.itemLedger(mailbox: source))
            }
            let passed = folders.allSatisfy(\.passed) && integrity.isEmpty && (collections ?? []).allSatisfy(\.passed)
            var result = MailboxVerification(source: source, target: mailbox.target.description, stage: stage,
                                             outcome: passed ? .passed : .failed, folders: folders, integrity: integrity)
            result.collections = collections
            return result
        } catch {
            return MailboxVerification(source: source, target: mailbox.target.description, stage: stage, outcome: .failed, error: "\(error)")
        }
    }

    /// Maps the folders and compares each target folder with the source folders that go there.
    func compareFolders(_ mailbox: MailboxMapping, onlyLedger: Bool, src: any MailStoreSession,
                        dst: any MailStoreSession) async throws -> [FolderVerification] {
        let id = ledgerKey(mailbox.source.description)
        let sourceFolders = try await src.folders()
        let targetFolders = try await dst.folders()
        let folderPlan = FolderMapper.map(source: sourceFolders.map(\.listing), target: targetFolders.map(\.listing),
                                          rules: rules, targetDelimiter: dst.delimiter, targetInbox: dst.inboxSpelling)
        // Under folders.labels: keywords the source is compared as the copier read it: each message in its home folder.
        let ledger = try store.ledger(mailbox: id)
        let labelPlan = LabelPlan.reading(folderPlan, requested: rules.labels, source: src) { ledger }
        let src: any MailStoreSession = labelPlan.mode == .keywords ? LabelKeywordsSession(base: src, plan: labelPlan) : src
        let inboxes = Set(sourceFolders.filter(\.listing.isInbox).map(\.listing.path))
        let existing = Set(targetFolders.filter(\.listing.selectable).map(\.listing.path))
        let skipped = try store.skipped(mailbox: id)
        let rewrites = try store.targetRewrites(mailbox: id)
        var order: [String] = []
        var groups: [String: [FolderMapping]] = [:]
        for mapping in folderPlan.mappings {
            if groups[mapping.target] == nil { order.append(mapping.target) }
            groups[mapping.target, default: []].append(mapping)
        }
        var byTarget: [String: [FolderVerification]] = [:]
        for target in order {
            var inputs: [SourceFolderInput] = []
            for mapping in groups[target] ?? [] {
                var input = try await readSource(mapping, mailbox: id, ledger: ledger, skipped: skipped, onlyLedger: onlyLedger, labels: labelPlan,
                                                 src: src)
                input.rewrites = rewrites.filter { $0.folder == mapping.source && $0.uidValidity == input.ledger.first?.uidValidity }
                inputs.append(input)
            }
            let folder = groups[target]?.first?.source ?? target
            var targetInput = TargetFolderInput(path: target, exists: existing.contains(target), uidValidity: nil, messages: [])
            if targetInput.exists {
                targetInput = try await readTarget(target, folder: folder, mailbox: id, sources: inputs, dst: dst)
            }
            var (folders, pairs) = FolderComparison.compare(sources: inputs, target: targetInput)
            if deep, !pairs.isEmpty {
                let mismatches = try await compareBodies(pairs, target: target, mailbox: id, src: src, dst: dst)
                for index in folders.indices { folders[index].bodyMismatches = mismatches[folders[index].source] ?? [] }
            }
            byTarget[target] = folders
        }
        // INBOX first, then by name.
        var result: [FolderVerification] = []
        for mapping in folderPlan.mappings {
            if let found = byTarget[mapping.target]?.first(where: { $0.source == mapping.source }) { result.append(found) }
        }
        return result.sorted { left, right in
            let (a, b) = (inboxes.contains(left.source), inboxes.contains(right.source))
            return a != b ? a : left.source < right.source
        }
    }

    /// Lists a source folder and what the state knows about it; reads the Message-IDs the ledger lacks.
    func readSource(_ mapping: FolderMapping, mailbox: String, ledger: [LedgerEntry], skipped: [SkippedMessage], onlyLedger: Bool,
                    labels: LabelPlan, src: any MailStoreSession) async throws -> SourceFolderInput {
        try await wrap(src, mailbox: mailbox, folder: mapping.source) {
            let selected = try await src.openFolder(mapping.source, forWriting: false)
            let validity = selected.uidValidity
            let listed = selected.exists > 0 ? try await src.metadata(.all) : []
            var messages = listed.map(Self.facts)
            let record = try store.resource(FolderRecord.address(mailbox: mailbox, folder: mapping.source)).flatMap { try? $0.decode(FolderRecord.self) }
            var syncedBelow: UInt32?
            if let record, record.uidValidity == validity, record.stage >= .sync { syncedBelow = record.uidNext }
            if case .pop3 = context.plan.source.access {
                // A POP3 maildrop keeps no internal date and its LIST size need not count what RETR
                // delivers: a copied message is compared as the ledger recorded it when it was read.
                let copied = Dictionary(ledger.filter { $0.folder == mapping.source && $0.uidValidity == validity }.map { ($0.uid, $0) },
                                        uniquingKeysWith: { first, _ in first })
                for index in messages.indices {
                    guard let entry = copied[messages[index].uid] else { continue }
                    messages[index].size = entry.size
                    messages[index].internalDate = entry.internalDate.isEmpty ? nil : entry.internalDate
                }
            }
            var input = SourceFolderInput(mapping: mapping, messages: messages,
                                          ledger: ledger.filter { $0.folder == mapping.source && $0.uidValidity == validity },
                                          skipped: skipped.filter { $0.folder == mapping.source && $0.uidValidity == validity },
                                          syncedBelow: syncedBelow, onlyLedger: onlyLedger)
            let unrecorded = FolderComparison.unrecordedExpected(input)
            if !unrecorded.isEmpty {
                let ids = try await Self.messageIDs(of: unrecorded, session: src)
                for index in messages.indices { if let found = ids[messages[index].uid] { messages[index].messageID = found } }
                input.messages = messages
            }
            if mapping.rule == .allMail || labels.mode == .keywords {
                // Decided as the copier decided: All Mail by the store's labels, where it has them, and by ids.
                let found = selected.exists > 0 ? try await src.labels(.all) : nil
                input.messages = Self.ownMessages(of: input, ledger: ledger, labels: found, byLabels: mapping.rule == .allMail ? labels : nil)
            }
            return input
        }
    }

    /// Lists a target folder; reads the Message-IDs of messages the ledger does not account for.
    func readTarget(_ path: String, folder: String, mailbox: String, sources: [SourceFolderInput],
                    dst: any MailStoreSession) async throws -> TargetFolderInput {
        try await wrap(dst, mailbox: mailbox, folder: folder) {
            let selected = try await dst.openFolder(path, forWriting: false)
            let listed = selected.exists > 0 ? try await dst.metadata(.all) : []
            var input = TargetFolderInput(path: path, exists: true, uidValidity: selected.uidValidity, messages: listed.map(Self.facts))
            let claimed = FolderComparison.ledgerClaims(sources: sources, target: input)
            let others = input.messages.map(\.uid).filter { !claimed.contains($0) }
            if !others.isEmpty {
                let ids = try await Self.messageIDs(of: others, session: dst)
                for index in input.messages.indices { if let found = ids[input.messages[index].uid] { input.messages[index].messageID = found } }
            }
            return input
        }
    }

    /// The Message-IDs of messages of the selected folder, read from their bodies one at a time.
    static func messageIDs(of uids: [MessageKey], session: any MailStoreSession) async throws -> [MessageKey: String] {
        var result: [MessageKey: String] = [:]
        for try await message in try await session.messages(uids).restricted(to: uids) {
            if let id = try MessageHeaders.messageID(in: message.body) { result[message.uid] = id }
        }
        return result
    }

    /// The facts of a fetched message (no Message-ID yet).
    /// All Mail's messages (or, under `folders.labels: keywords`, any folder's) that are expected on
    /// the target: those the ledger recorded from it, and of the rest those no other folder accounts
    /// for: with `byLabels`, those no copied folder shows (the copier's `unlabeled`), else those no
    /// other folder's ledger entry holds (`HeldElsewhere`, the copier's `notHeldElsewhere`).
    static func ownMessages(of input: SourceFolderInput, ledger: [LedgerEntry], labels: [MessageKey: MessageLabels]? = nil,
                            byLabels plan: LabelPlan? = nil) -> [MessageFacts] {
        let own = Set(input.ledger.map(\.uid))
        var held = HeldElsewhere(ledger, besides: input.mapping.source)
        return input.messages.filter { message in
            guard !own.contains(message.uid) else { return true }
            let found = labels?[message.uid]
            if let plan, let found { return !plan.isElsewhere(found) }
            return !held.take(globalID: found?.id, messageID: message.messageID, size: message.size,
                              internalDate: message.internalDate.flatMap(MessageDate.init))
        }
    }

    static func facts(_ message: MessageMetadata) -> MessageFacts {
        MessageFacts(uid: message.uid, messageID: nil, size: message.size ?? 0,
                     internalDate: message.internalDate?.description, flags: Array(message.flags))
    }

    /// Runs `body`, naming side, server, mailbox and folder in any error.
    func wrap<T: Sendable>(_ session: any MailStoreSession, mailbox: String, folder: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            let server = session.side == .source ? context.source.server : destination.server
            throw MailError.wrapping(error, side: session.side, server: server, mailbox: mailbox, folder: folder)
        }
    }
}
