import Foundation
import MailMigConcurrency

/// Plans the mail side: which mailboxes need creating on the target, and which need a pass to which stage.
///
/// With `refresh`, it looks at the servers: whether the target mailbox exists, and per source folder
/// what STATUS says changed since the last pass and what is not yet in the ledger (exact counts and
/// bytes of the messages to copy, and how many are over the size limit). Without it, it plans from the
/// state alone (fast, for very large plans) and estimates nothing.
struct MailPlanner: Sendable {
    let context: MailContext
    let store: StateStore
    let dnsStates: [String: DNSRecordState]
    let refresh: Bool
    /// Whether a mailbox already brought to its stage is left for its pass to check (`PlanningContext.checkInPass`).
    var checkInPass = false
    let now: Date

    var plan: Plan { context.plan }

    /// Steps in batch order (provisioning before the pass of the same mailbox) and held-back passes.
    func makeSteps(filter: ResourceFilter) async throws -> (steps: [PlannedStep], blocked: [BlockedItem]) {
        // One query for every mailbox record: plans of many thousands of mailboxes stay fast.
        var records: [String: MailboxRecord] = [:]
        for resource in try store.resources(prefix: "mailbox.") where resource.kind == MailboxRecord.kind {
            let record = try resource.decode(MailboxRecord.self)
            records[record.source] = record
        }
        var work: [(MailboxMapping, Batch, MailboxRecord?)] = []
        for batch in plan.batches {
            for source in plan.batchMembers[batch.name] ?? [] {
                guard let mailbox = context.mailbox(source.description),
                      filter.keeps(MailboxRecord.address(mailbox.source.description)) else { continue }
                work.append((mailbox, batch, records[mailbox.source.description]))
            }
        }
        let targetNaming = TargetNamingCache()
        let logins = TargetLoginTally()
        let results = try await BoundedConcurrency.map(work, limit: min(plan.source.connections, 8)) { mailbox, batch, record in
            try await planMailbox(mailbox, batch: batch, record: record, targetNaming: targetNaming, logins: logins)
        }
        var (steps, blocked) = (results.flatMap(\.0), results.flatMap(\.1))
        logins.holdBackUnproven(steps: &steps, blocked: &blocked)
        return (steps, blocked)
    }

    private func planMailbox(_ mailbox: MailboxMapping, batch: Batch, record: MailboxRecord?,
                             targetNaming: TargetNamingCache, logins: TargetLoginTally) async throws -> ([PlannedStep], [BlockedItem]) {
        let source = mailbox.source.description
        let address = MailboxRecord.address(source)
        var steps: [PlannedStep] = []
        var blocked: [BlockedItem] = []
        // Read once for verify's findings here and for the estimate below.
        let records = try FolderRecords.read(mailbox: source, from: store)
        let findings = Self.verifyFindings(records)
        for (folder, found) in findings {
            if let hand = found.handPhrase(folder: folder) { blocked.append(BlockedItem(address: address, reason: hand, earliest: nil)) }
        }
        let repairs = findings.compactMap { $0.findings.repairPhrase(folder: $0.folder) }
        // A mailbox done with its final pass is left alone, unless verify found something a pass puts right.
        if record?.reached == .final, repairs.isEmpty { return ([], blocked) }
        if batch.stage == .final, !isCutOver(mailbox) {
            blocked.append(BlockedItem(address: address, reason: "the final pass of \(source) (batch '\(batch.name)') waits for the cutover of \(mailbox.source.domain)", earliest: nil))
            return ([], blocked)
        }
        var settings = context.settings(for: batch.stage, now: now)
        settings.maxSkipped = batch.maxSkipped
        var provisionID: String?
        // What the login that proves the target mailbox exists saw of it: the unrecorded-mail check reuses
        // it instead of logging in again.
        var targetView: TargetView?
        // That login and the source's are made at once (over a WAN each is several round trips): the
        // source is read while the target is checked, and its estimate waits for the target's listing.
        var early: Task<(MailEstimate, collision: String?), any Error>?
        defer { early?.cancel() }
        if refresh, record?.reached == nil, record?.provisioned != true {
            let check = Task { try await self.targetExists(mailbox) }
            let byLogin = plan.target.provision?.check == nil
            if byLogin {
                early = Task { [settings] in
                    try await self.estimate(mailbox, settings: settings, records: records, targetNaming: targetNaming, after: check)
                }
            }
            let presence: TargetPresence
            do {
                presence = try await check.value
                targetView = presence.view
            } catch let error as ProvisionCheckFailed {
                // A check that could not give an answer proves nothing either way: this mailbox waits for it.
                blocked.append(BlockedItem(address: address, reason: "\(source) could not be planned: \(error)", earliest: nil, isError: true))
                return ([], blocked)
            } catch let error as MailError {
                // A target that cannot be opened for this mailbox (its token refused, its server failing)
                // holds back this mailbox only.
                blocked.append(BlockedItem(address: address, reason: "\(source) could not be planned: its target mailbox \(mailbox.target) cannot be opened: \(error)",
                                           earliest: nil, isError: true))
                return ([], blocked)
            }
            if byLogin {
                // Only a login that succeeded proves the admin's credentials; until one does, a refused
                // login may be a wrong password rather than a missing mailbox (`TargetLoginTally`).
                logins.record(address: address, refused: !presence.exists)
            }
            if !presence.exists {
                if let create = plan.target.provision?.create {
                    let command = ProvisionCommand.fill(create, mailbox: mailbox)
                    let id = "provision:\(address)"
                    steps.append(PlannedStep(id: id, address: "\(address)/provision", action: .create,
                                             reason: "create the target mailbox \(mailbox.target): \(presence.missingBecause)",
                                             work: .provision(ProvisionWork(source: source, target: mailbox.target.description, command: command)),
                                             dependsOn: []))
                    provisionID = id
                } else {
                    blocked.append(BlockedItem(address: address, reason: "the target mailbox \(mailbox.target) does not exist, and the plan has no target.provision.create to create it", earliest: nil))
                    return ([], blocked)
                }
            }
        }
        let reached = record?.reached
        if refresh, checkInPass, provisionID == nil, repairs.isEmpty, context.backup == nil,
           let reached, reached >= batch.stage, batch.stage >= .presync, batch.stage != .final {
            // The pass asks the source what changed in the session it copies with, and ends there when
            // nothing did: asked here as well, every mailbox would cost the source a second login.
            steps.append(PlannedStep(id: "mail:\(address)", address: address, action: .copy,
                                     reason: "\(batch.stage.rawValue) (incremental): " + Self.checkedInPass,
                                     work: .mailbox(MailboxWork(source: source, target: mailbox.target.description, batch: batch.name,
                                                                settings: settings, estimate: nil, checksFirst: true)),
                                     dependsOn: []))
            return (steps, blocked)
        }
        var estimate: MailEstimate?
        if refresh, provisionID == nil {
            do {
                let found: MailEstimate, collision: String?
                if let early {
                    (found, collision) = try await early.value
                } else {
                    let seen = targetView
                    (found, collision) = try await TransientRetry.run {
                        try await self.estimate(mailbox, settings: settings, records: records) {
                            (await self.naming(of: mailbox, seen: seen, cache: targetNaming), seen)
                        }
                    }
                }
                if let collision {
                    blocked.append(BlockedItem(address: address, reason: "\(source) cannot be copied as planned: \(collision)", earliest: nil, isError: true))
                    return (steps, blocked)
                }
                if let unrecorded = found.unrecordedTarget, settings.dedupeChosen != true {
                    blocked.append(BlockedItem(address: address, reason: UnrecordedTargetMail.holdReason(unrecorded, mailbox: source), earliest: nil, isError: true))
                    return (steps, blocked)
                }
                estimate = found
            } catch let error as MailError {
                // One mailbox that cannot be read holds back that mailbox only, never the whole plan.
                blocked.append(BlockedItem(address: address, reason: "\(source) could not be planned: \(error)", earliest: nil, isError: true))
                return (steps, blocked)
            }
        }
        let needed: Bool
        if let reached, reached >= batch.stage, batch.stage != .final {
            // Later passes of the same stage are incremental: only when something changed, or verify found
            // what a pass puts right (also without --refresh: the findings are in the state).
            needed = batch.stage >= .presync && ((estimate.map { $0.messages > 0 || $0.changedFolders > 0 } ?? false) || !repairs.isEmpty)
        } else {
            needed = true
        }
        guard needed else { return (steps, blocked) }
        if !repairs.isEmpty { estimate?.repairs = repairs }
        steps.append(PlannedStep(id: "mail:\(address)", address: address, action: .copy,
                                 reason: Self.describe(stage: batch.stage, estimate: estimate, reached: reached) + Self.describe(repairs: repairs),
                                 work: .mailbox(MailboxWork(source: source, target: mailbox.target.description, batch: batch.name,
                                                            settings: settings, estimate: estimate)),
                                 dependsOn: provisionID.map { [$0] } ?? []))
        return (steps, blocked)
    }

    /// What a folder's STATUS says is to copy when the whole folder is: no ledger row or skipped
    /// message of its UIDVALIDITY, no cutoff or backup to count apart, no message over the size limit
    /// (the whole folder is within it), not All Mail, and a
    /// store that gives the folder's size (RFC 8438 STATUS=SIZE). Nil when the folder must be opened
    /// and its messages listed. Over a WAN this saves three round trips per folder of a first plan.
    func wholeFolder(_ status: FolderStatus?, folder: FolderMapping, mailbox: String, settings: MailPassSettings,
                     backup: Bool) throws -> (messages: Int, bytes: Int64)? {
        // Under a size limit the folder's messages can all be taken when the whole folder is within it.
        guard let status, let messages = status.messages, let bytes = status.size, let validity = status.uidValidity,
              settings.cutoff == nil, settings.maxMessageSize.map({ bytes <= $0 }) ?? true, !backup, folder.rule != .allMail else { return nil }
        guard try store.ledgerUIDs(mailbox: mailbox, folder: folder.source, uidValidity: validity).isEmpty,
              try store.skippedUIDs(mailbox: mailbox, folder: folder.source, uidValidity: validity).isEmpty else { return nil }
        return (messages, bytes)
    }

    /// What a folder's STATUS says is to copy when all of it was copied by the last pass and only new
    /// mail arrived since: the same UIDVALIDITY, and as many more messages as UIDNEXT moved on, so no
    /// message left and every UID given out since is there (RFC 3501 §2.3.1.1: UIDs only grow); the
    /// bytes are STATUS=SIZE's growth over the recorded size. Nil when that cannot be told without
    /// opening the folder: no size recorded or given, a cutoff now or then, verify's findings to put
    /// right, All Mail, a backup, new mail over the size limit, or new mail a broken-off pass copied.
    func arrivedSince(_ status: FolderStatus?, folder: FolderMapping, recorded: FolderRecord?, mailbox: String, settings: MailPassSettings,
                      backup: Bool) throws -> (messages: Int, bytes: Int64)? {
        guard let status, let messages = status.messages, let uidNext = status.uidNext, let bytes = status.size,
              settings.cutoff == nil, !backup, folder.rule != .allMail, let recorded,
              recorded.uidValidity == status.uidValidity, recorded.cutoff == nil, recorded.verifyFindings == nil,
              let recordedNext = recorded.uidNext, let recordedMessages = recorded.messages, let recordedBytes = recorded.size,
              uidNext >= recordedNext, messages - recordedMessages == Int(uidNext - recordedNext), bytes >= recordedBytes else { return nil }
        // A pass that broke off after copying some of the new mail left rows the record does not cover.
        let decided = try store.ledgerUIDs(mailbox: mailbox, folder: folder.source, uidValidity: recorded.uidValidity)
            .union(try store.skippedUIDs(mailbox: mailbox, folder: folder.source, uidValidity: recorded.uidValidity))
        guard !decided.contains(where: { ($0.uid ?? 0) >= recordedNext }) else { return nil }
        let arrived = (messages: messages - recordedMessages, bytes: bytes - recordedBytes)
        // Under a size limit the new messages can all be taken when all of them together are within it.
        guard settings.maxMessageSize.map({ arrived.bytes <= $0 }) ?? true else { return nil }
        return arrived
    }

    /// What a pass that checks for new mail itself says it does.
    static let checkedInPass = "copies what arrived since the last pass; the pass asks the source and ends there when nothing did"

    /// `sync: 1,234 messages (310 MiB) to copy in 12 folders; 3 over the size limit`.
    static func describe(stage: Stage, estimate: MailEstimate?, reached: Stage?) -> String {
        var text = reached == nil || reached.map({ $0 < stage }) == true ? "\(stage.rawValue)" : "\(stage.rawValue) (incremental)"
        guard let estimate else { return text + ": messages counted when the pass runs" }
        if stage == .prepare { return text + ": create the target's folders" }
        let folders = { (count: Int) in "\(count) folder\(count == 1 ? "" : "s")" }
        if estimate.messages > 0 {
            text += ": \(Formatting.count(estimate.messages)) message\(estimate.messages == 1 ? "" : "s") (\(Formatting.bytes(estimate.bytes)))"
            text += estimate.route.map { " \($0)" } ?? " to copy in \(folders(estimate.folders))"
        } else if reached == nil {
            text += ": nothing to copy yet; creates or checks \(folders(estimate.changedFolders)) on the target"
        } else if reached.map({ $0 < stage }) == true {
            text += ": nothing new to copy; \(folders(estimate.changedFolders)) checked again"
        } else {
            text += ": nothing new to copy; flags may have changed in \(folders(estimate.changedFolders))"
        }
        if estimate.overLimit > 0 { text += "; \(estimate.overLimit) over the size limit" }
        if let backup = estimate.backupMessages, backup > 0 {
            text += "; backs up \(Formatting.count(backup)) message\(backup == 1 ? "" : "s") (\(Formatting.bytes(estimate.backupBytes ?? 0))) first"
        }
        if let undecided = estimate.allMailUndecided, undecided > 0 {
            text += "; \(Formatting.count(undecided)) message\(undecided == 1 ? "" : "s") of All Mail compared with the other folders "
                + "when the pass runs (only those in no other folder are copied)"
        }
        if estimate.labelsCountedEach == true, estimate.messages > 0 {
            text += "; a message with several labels is counted in each but copied once (folders.labels: keywords)"
        }
        if estimate.labelsUnavailable == true {
            text += "; folders.labels: keywords changes nothing here: the source has no labels (no X-GM-EXT-1), its folders are copied as they are"
        }
        if let shared = estimate.sharedFolders, shared > 0 {
            text += "; \(folders(shared)) of shared namespaces copied (folders.shared)"
        }
        if let other = estimate.otherNamespaceFolders, other > 0 {
            text += "; \(folders(other)) of shared or other users' namespaces left out (folders.shared)"
        }
        if let renamed = estimate.renamedFolders, !renamed.isEmpty {
            let shown = renamed.prefix(3).joined(separator: ", ")
            text += "; renamed for the target: \(shown)" + (renamed.count > 3 ? " and \(renamed.count - 3) more" : "")
        }
        return text
    }

    /// `; verify found flags differing on 3 messages in INBOX`, or nothing.
    static func describe(repairs: [String]) -> String {
        repairs.isEmpty ? "" : "; " + repairs.joined(separator: "; ")
    }

    /// What the last verification found per folder of a mailbox, as recorded on the folder records, by source folder.
    private static func verifyFindings(_ records: FolderRecords) -> [(folder: String, findings: VerifyFindings)] {
        records.inAddressOrder.compactMap { record in record.verifyFindings.map { (folder: record.source, findings: $0) } }
    }

    /// Whether every cutover record of the mailbox's domain has been switched (or the plan does not manage it).
    private func isCutOver(_ mailbox: MailboxMapping) -> Bool {
        guard let domain = plan.domains.first(where: { $0.name == mailbox.source.domain || $0.name == mailbox.target.domain }) else { return true }
        let keys = DNSPlanner.managedKeys(of: domain).filter { key in domain.cutover?.records.contains { RRsetKey(domain: domain.name, owner: $0.name, type: $0.type) == key } ?? false }
        return domain.route == .target && keys.allSatisfy { dnsStates[$0.address]?.phase == .cutover }
    }

    /// Whether the target mailbox exists, by the plan's check command or else a login attempt; when a
    /// login found it, its folders with STATUS and its naming as that session saw them.
    ///
    /// - Throws: `ProvisionCheckFailed` when the check command cannot be started or does not exit by
    ///   itself; `MailError` when the target cannot be opened for another reason than a refused login.
    private func targetExists(_ mailbox: MailboxMapping) async throws -> TargetPresence {
        if let check = plan.target.provision?.check {
            return try await ProvisionCommand.check(ProvisionCommand.fill(check, mailbox: mailbox), in: plan.baseDirectory,
                                                    environment: context.environment)
        }
        do {
            let view = try await context.target.withSession(for: mailbox) { try await TargetView.read($0) }
            return TargetPresence(exists: true, view: view)
        } catch let error as MailError where error.kind == .loginRefused {
            // A master user acting for a missing account is refused like a wrong password is: the
            // store cannot tell them apart, and the admin login was already proven by other mailboxes.
            return TargetPresence(exists: false, missingBecause: "the target refused its login and accepted other logins of this plan")
        }
    }

    /// The target server's naming: from the plan's first lookup (`cache`), which is this mailbox's
    /// `seen` listing when it had one, else a login of its own.
    private func naming(of mailbox: MailboxMapping, seen: TargetView?, cache: TargetNamingCache) async -> TargetNaming? {
        await cache.value {
            if let seen { return seen.naming }
            return try await context.target.withSession(for: mailbox) { TargetNaming($0) }
        }
    }

    /// The estimate of a first plan, read from the source while `check` logs in to the target; the
    /// target's listing comes from that login. When the check fails or finds no mailbox, it ends with
    /// `TargetCheckFailed`, which is not retried: the check's outcome is what the plan reports.
    private func estimate(_ mailbox: MailboxMapping, settings: MailPassSettings, records: FolderRecords, targetNaming: TargetNamingCache,
                          after check: Task<TargetPresence, any Error>) async throws -> (MailEstimate, collision: String?) {
        try await TransientRetry.run {
            try await self.estimate(mailbox, settings: settings, records: records) {
                guard case .success(let presence) = await check.result, presence.exists else { throw TargetCheckFailed() }
                return (await self.naming(of: mailbox, seen: presence.view, cache: targetNaming), presence.view)
            }
        }
    }

    /// Counts what a pass would copy, folder by folder, skipping folders whose STATUS did not change;
    /// or, when two source folders would merge into one target folder, the sentence that says so.
    /// `target` gives the target's naming and, when a login saw it, its listing; it is asked once the
    /// source's folders are listed. `records` are the mailbox's folder records, read with the plan of it.
    private func estimate(_ mailbox: MailboxMapping, settings: MailPassSettings, records: FolderRecords,
                          target targetInfo: @Sendable () async throws -> (naming: TargetNaming?, view: TargetView?)) async throws -> (MailEstimate, collision: String?) {
        let id = mailbox.source.description
        return try await context.source.withSession(for: mailbox) { src in
            var estimate = MailEstimate()
            let folders = try await src.folders(status: true)
            let (target, targetView) = try await targetInfo()
            // Without the target's naming, `Inbox` is taken as the INBOX, which flags more collisions, never fewer.
            let mapping = FolderMapper.map(source: folders.map(\.listing), target: [], rules: settings.folders,
                                           targetDelimiter: target?.delimiter, targetInbox: target?.inbox ?? .anyCase)
            if let collision = mapping.collisionError { return (estimate, collision) }
            let renames = mapping.renames
            estimate.renamedFolders = renames.isEmpty ? nil : renames
            estimate.otherNamespaceFolders = mapping.otherNamespaces?.count
            estimate.sharedFolders = mapping.sharedIncluded?.count
            if case .pop3 = plan.source.access, let only = mapping.mappings.first, mapping.mappings.count == 1 {
                estimate.route = "from POP3 to \(only.target)"
            }
            if settings.folders.labels == .keywords {
                if !src.keepsLabels {
                    estimate.labelsUnavailable = true
                } else if mapping.mappings.count > 1 {
                    estimate.labelsCountedEach = true
                }
            }
            if settings.stage > .prepare {
                let unrecorded = try await unrecordedTargetMail(mailbox, source: folders, copied: mapping.mappings, settings: settings,
                                                                seen: targetView)
                estimate.unrecordedTarget = unrecorded.isEmpty ? nil : unrecorded
            }
            let statuses = folders.statusByPath
            // With `backup:`, every pass first brings the backup up to date: a folder is current only when both copies are.
            let backupKey = context.backup == nil ? nil : MailboxCopier.ledgerKey(id, scope: MailboxCopier.backupScope)
            let backupSettings = context.backupSettings(for: settings)
            if backupKey != nil { estimate.backupMessages = 0 }
            // Every folder's record is looked at: read in one query per copy, not one per folder.
            let copies = try [(records, settings)] + (backupKey.map { [(try FolderRecords.read(mailbox: $0, from: store), backupSettings)] } ?? [])
            for folder in mapping.mappings {
                let status = statuses[folder.source] ?? nil
                let changed = copies.contains { copy, passSettings in copy.changed(folder.source, status: status, for: passSettings) }
                guard changed else { continue }
                estimate.changedFolders += 1
                guard settings.stage > .prepare else { continue }
                // STATUS already says there is nothing to copy: opening the folder would cost two round
                // trips for nothing, and archives of long-lived accounts hold thousands of empty folders.
                if status?.messages == 0 { continue }
                if let whole = try wholeFolder(status, folder: folder, mailbox: id, settings: settings, backup: backupKey != nil) {
                    // Nothing of it copied yet and nothing to filter: STATUS alone counts it, no round trip.
                    estimate.folders += 1
                    estimate.messages += whole.messages
                    estimate.bytes += whole.bytes
                    continue
                }
                if let arrived = try arrivedSince(status, folder: folder, recorded: records[folder.source], mailbox: id, settings: settings,
                                                  backup: backupKey != nil) {
                    // Only new mail since the last pass, counted by STATUS against the record: no round trip.
                    if arrived.messages > 0 { estimate.folders += 1 }
                    estimate.messages += arrived.messages
                    estimate.bytes += arrived.bytes
                    continue
                }
                let filter: MessageFilter = settings.cutoff.flatMap { MailPlanner.searchDay($0) }.map { .before($0) } ?? .all
                let reading: FolderReading
                do {
                    // Opened and listed in one exchange.
                    reading = try await src.read(folder.source, listing: filter, metadata: .none)
                } catch let error as MailStoreError where error.kind != .transient {
                    // A folder the source refuses to open holds back that folder only: the pass copies the
                    // others and reports it.
                    continue
                }
                let selected = reading.snapshot
                let copied = try store.ledgerUIDs(mailbox: id, folder: folder.source, uidValidity: selected.uidValidity)
                let skipped = try store.skippedUIDs(mailbox: id, folder: folder.source, uidValidity: selected.uidValidity)
                let listed = reading.keys
                var candidates = listed.filter { !copied.contains($0) && !skipped.contains($0) }
                if folder.rule == .allMail {
                    // Most of All Mail is in the label folders: what is left is counted by the pass, not here.
                    let recorded = records[folder.source]
                    let decidedBelow = recorded?.uidValidity == selected.uidValidity ? recorded?.decidedBelow ?? 0 : 0
                    let undecided = candidates.filter { ($0.uid ?? 0) >= decidedBelow }.count
                    if undecided > 0 { estimate.allMailUndecided = (estimate.allMailUndecided ?? 0) + undecided }
                    candidates = []
                }
                var backupCandidates: [MessageKey] = []
                if let backupKey {
                    let backedUp = try store.ledgerUIDs(mailbox: backupKey, folder: folder.source, uidValidity: selected.uidValidity)
                        .union(try store.skippedUIDs(mailbox: backupKey, folder: folder.source, uidValidity: selected.uidValidity))
                    backupCandidates = listed.filter { !backedUp.contains($0) }
                }
                guard !candidates.isEmpty || !backupCandidates.isEmpty else { continue }
                if !candidates.isEmpty { estimate.folders += 1 }
                let wanted = Set(candidates), toBackUp = Set(backupCandidates)
                for message in try await src.metadata(.uids(Array(wanted.union(toBackUp)).sorted())) {
                    let size = Int64(message.size ?? 0)
                    if toBackUp.contains(message.uid) {
                        estimate.backupMessages = (estimate.backupMessages ?? 0) + 1
                        estimate.backupBytes = (estimate.backupBytes ?? 0) + size
                    }
                    guard wanted.contains(message.uid) else { continue }
                    if let limit = settings.maxMessageSize, size > limit {
                        estimate.overLimit += 1
                    } else {
                        estimate.messages += 1
                        estimate.bytes += size
                    }
                }
            }
            return (estimate, nil)
        }
    }

    /// Target folders a first pass would copy into that already hold mail the state knows nothing of.
    ///
    /// Asks the target (one login, LIST and STATUS) only when a source folder to be copied (`copied`) is
    /// unknown to the state, so later plans of a migrated mailbox cost nothing more.
    private func unrecordedTargetMail(_ mailbox: MailboxMapping, source: [ListedFolder], copied: [FolderMapping],
                                      settings: MailPassSettings, seen: TargetView?) async throws -> [UnrecordedTargetFolder] {
        let id = mailbox.source.description
        let unknown = try copied.contains { try UnrecordedTargetMail.isUnknown($0.source, mailbox: id, store: store) }
        guard unknown else { return [] }
        // The listing of this plan's existence check, when there was one: the same moment, no second login.
        let view: TargetView
        if let seen {
            view = seen
        } else {
            view = try await context.target.withSession(for: mailbox) { try await TargetView.read($0) }
        }
        let (targetFolders, delimiter, inbox) = (view.folders, view.naming.delimiter, view.naming.inbox)
        let mapping = FolderMapper.map(source: source.map(\.listing), target: targetFolders.map(\.listing), rules: settings.folders,
                                       targetDelimiter: delimiter, targetInbox: inbox)
        return try await UnrecordedTargetMail.find(mapping.mappings, mailbox: id, targetFolders: targetFolders, store: store)
    }

    static func searchDay(_ date: Date) -> CalendarDay? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }

    static func day(_ date: Date?) -> String? {
        guard let date, let day = searchDay(date) else { return nil }
        return String(format: "%04d-%02d-%02d", day.year, day.month, day.day)
    }
}

/// Numbers as reports print them.
public enum Formatting {
    /// `12,304`: groups of three digits whatever the locale, as in every report (no `NumberFormatter`,
    /// which would load ICU's locale data for a fixed format).
    public static func count(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// ISO 8601 in UTC (`2026-12-06T20:30:00Z`), as every machine-readable time mailmig prints.
    /// The format style is Foundation's own code; `ISO8601DateFormatter` would load ICU's locale and
    /// calendar data (several MB of resident memory) for the same text.
    public static func timestamp(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }

    /// `310 MiB`, `3.1 GiB`.
    public static func bytes(_ value: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        if unit == 0 { return "\(value) B" }
        return amount >= 100 ? String(format: "%.0f %@", amount, units[unit]) : String(format: "%.1f %@", amount, units[unit])
    }
}

/// What planning needs to know of how the target names folders: its hierarchy delimiter and which
/// paths name its INBOX.
struct TargetNaming: Sendable {
    /// The hierarchy delimiter.
    var delimiter: Character?
    /// Which paths name the INBOX.
    var inbox: InboxSpelling
}

extension TargetNaming {
    /// The naming a session reports.
    init(_ session: any MailStoreSession) {
        self.init(delimiter: session.delimiter, inbox: session.inboxSpelling)
    }
}

/// What one login to a target mailbox saw: its folders with STATUS, and the server's naming.
struct TargetView: Sendable {
    /// The folders, as `folders(status: true)` listed them.
    var folders: [ListedFolder]
    /// The server's naming.
    var naming: TargetNaming

    /// What `session` shows: its folders with STATUS, and its naming.
    static func read(_ session: any MailStoreSession) async throws -> TargetView {
        TargetView(folders: try await session.folders(status: true), naming: TargetNaming(session))
    }
}

/// The target check of a first plan failed or found no mailbox: the estimate made meanwhile is not wanted.
struct TargetCheckFailed: Error {}

/// The target server's naming, learned once per plan (it belongs to the server, not to a mailbox)
/// from the first mailbox that asks.
///
/// One lookup per plan, whatever its outcome: a target that cannot be reached must not cost a login
/// attempt per mailbox. Without it, planning finds the collisions it can see without it;
/// the pass checks again with the target's listing before it copies anything.
actor TargetNamingCache {
    private var lookup: Task<TargetNaming?, Never>?

    /// The naming, asking `find` on the first call only; nil when that lookup failed.
    func value(_ find: @escaping @Sendable () async throws -> TargetNaming) async -> TargetNaming? {
        if let lookup { return await lookup.value }
        let task = Task { try? await find() }
        lookup = task
        return await task.value
    }
}
