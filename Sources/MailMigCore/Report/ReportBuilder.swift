import Foundation

/// Builds the status and the closeout report from a plan and its state, without contacting any server.
public struct ReportBuilder: Sendable {
    /// The plan.
    public var plan: Plan
    /// The state, only read.
    public var store: StateStore
    /// The time the report is made at (the cutover gate compares TTL expiries with it).
    public var now: Date

    /// Creates a builder.
    public init(plan: Plan, store: StateStore, now: Date = Date()) {
        self.plan = plan
        self.store = store
        self.now = now
    }

    /// Where each kind of a mailbox's contacts and calendars stands, from its item ledger and its last passes.
    func collectionStatus(_ source: String, records: [String: CollectionRecord]) throws -> [CollectionStatus] {
        guard let rules = plan.collections else { return [] }
        let rows = try store.itemLedger(mailbox: source)
        return rules.kinds.map { kind in
            let mine = rows.filter { $0.kind == kind }
            let record = records[CollectionRecord.address(source, kind: kind)]
            let failed = record.flatMap { record in record.lastError.flatMap { error in
                (record.lastFailure ?? .distantPast) >= (record.lastPass ?? .distantPast) ? error : nil } }
            return CollectionStatus(kind: kind, copied: mine.filter { !$0.pending && $0.conflict == nil }.count,
                                    pending: mine.filter(\.pending).count,
                                    conflicts: mine.compactMap { row in
                                        row.conflict.map { "\(ItemVersion.name(of: row.collection))/\(ItemVersion.name(of: row.href)): \($0)" }
                                    },
                                    collections: record?.lastResult?.collections, lastPass: record?.lastPass, error: failed)
        }
    }

    /// Where the migration stands.
    public func status() throws -> StatusReport {
        let meta = try store.meta()
        let resources = try store.resources()
        var mailboxRecords: [String: MailboxRecord] = [:]
        var folderRecords: [String: [FolderRecord]] = [:]
        var dnsRecords: [String: DNSRecordState] = [:]
        var collectionRecords: [String: CollectionRecord] = [:]
        for resource in resources {
            switch resource.kind {
            case MailboxRecord.kind:
                if let record = try? resource.decode(MailboxRecord.self) { mailboxRecords[record.source] = record }
            case FolderRecord.kind:
                if let record = try? resource.decode(FolderRecord.self), let mailbox = Self.mailbox(ofFolderAddress: resource.address) {
                    folderRecords[mailbox, default: []].append(record)
                }
            case DNSRecordState.kind:
                if let record = try? resource.decode(DNSRecordState.self) { dnsRecords[resource.address] = record }
            case CollectionRecord.kind:
                if let record = try? resource.decode(CollectionRecord.self) { collectionRecords[resource.address] = record }
            default:
                break
            }
        }
        let verification = try verificationRecord()
        let backupVerification = try store.resource(VerificationRecord.backupAddress).flatMap { try? $0.decode(VerificationRecord.self) }
        let totals = try store.ledgerTotals()
        let skippedByMailbox = Dictionary(grouping: try store.skipped(), by: \.mailbox)
        let pending = try store.pendingCopyCounts()

        func mailboxStatus(source: String, target: String, batch: String) throws -> MailboxStatus {
            let record = mailboxRecords[source]
            let skipped = skippedByMailbox[source] ?? []
            let folders = folderRecords[source] ?? []
            let counts = folders.compactMap(\.messages)
            var backup: BackupStatus?
            if plan.backup != nil {
                let key = MailboxCopier.ledgerKey(source, scope: MailboxCopier.backupScope)
                backup = BackupStatus(copied: totals[key]?.messages ?? 0, bytes: totals[key]?.bytes ?? 0, skipped: skippedByMailbox[key]?.count ?? 0,
                                      lastResult: record?.lastBackup, verification: backupVerification?.mailboxes[source])
            }
            var status = MailboxStatus(
                source: source, target: target, batch: batch, stage: record?.reached, provisioned: record?.provisioned ?? false,
                copied: totals[source]?.messages ?? 0, copiedBytes: totals[source]?.bytes ?? 0,
                skipped: skipped.count, skippedBytes: skipped.reduce(0) { $0 + Int64($1.size) }, skipReasons: Self.reasons(skipped),
                sourceMessages: !folders.isEmpty && counts.count == folders.count ? counts.reduce(0, +) : nil,
                folders: folders.count, pending: pending[source] ?? 0, lastPass: record?.lastPass, lastDuration: record?.lastDuration,
                lastResult: record?.lastResult, error: record?.lastError, verification: verification?.mailboxes[source])
            status.backup = backup
            status.collections = try collectionStatus(source, records: collectionRecords)
            return status
        }

        var batches: [BatchStatus] = []
        var listed = Set<String>()
        for batch in plan.batches {
            let members = plan.batchMembers[batch.name] ?? []
            let statuses = try members.map { member -> MailboxStatus in
                let source = member.description
                listed.insert(source)
                let target = plan.mailboxes.first { $0.source == member }?.target.description ?? mailboxRecords[source]?.target ?? ""
                return try mailboxStatus(source: source, target: target, batch: batch.name)
            }
            batches.append(BatchStatus(name: batch.name, goal: batch.stage, reached: Self.reached(statuses), mailboxes: statuses))
        }
        // Mailboxes of the plan that no batch selects: never migrated, listed so nobody is forgotten.
        let unbatched = plan.mailboxes.filter { !listed.contains($0.source.description) && mailboxRecords[$0.source.description] == nil }
        if !unbatched.isEmpty {
            let statuses = try unbatched.map { mailbox -> MailboxStatus in
                listed.insert(mailbox.source.description)
                return try mailboxStatus(source: mailbox.source.description, target: mailbox.target.description, batch: Self.noBatch)
            }
            batches.append(BatchStatus(name: Self.noBatch, goal: nil, reached: nil, mailboxes: statuses))
        }
        // Mailboxes the state knows that no batch of the plan holds any more.
        let others = mailboxRecords.values.filter { !listed.contains($0.source) }.sorted { $0.source < $1.source }
        for (name, records) in Dictionary(grouping: others, by: \.batch).sorted(by: { $0.key < $1.key }) {
            let statuses = try records.map { try mailboxStatus(source: $0.source, target: $0.target, batch: name) }
            batches.append(BatchStatus(name: name, goal: nil, reached: Self.reached(statuses), mailboxes: statuses))
        }

        let facts = gateFacts(batches: batches, verification: verification)
        let domains = plan.domains.map { domainStatus($0, recorded: dnsRecords, facts: facts) }
        return StatusReport(planName: plan.name, lineage: meta.lineage, serial: meta.serial, generatedAt: now,
                            batches: batches, domains: domains, verification: verification)
    }

    /// The closeout report.
    public func closeout() throws -> CloseoutReport {
        let status = try status()
        let mailboxes = status.mailboxes
        let known = Set(mailboxes.map(\.source))
        let skipped = try store.skipped().filter { known.contains($0.mailbox) }
        var failures: [FailureItem] = []
        for mailbox in mailboxes {
            if let error = mailbox.error { failures.append(FailureItem(mailbox: mailbox.source, reason: error, at: mailbox.lastPass)) }
            for collections in mailbox.collections {
                if let error = collections.error {
                    failures.append(FailureItem(mailbox: mailbox.source, reason: "\(collections.kind.rawValue): \(error)", at: collections.lastPass))
                }
            }
            if let verdict = mailbox.verification, !verdict.passed {
                failures.append(FailureItem(mailbox: mailbox.source, reason: "the last verification found \(ReportFormatting.plural(verdict.differences, "difference"))", at: verdict.at))
            }
        }
        let applies = try store.allApplies()
        var outcomes: [MailboxOutcome: Int] = [:]
        for mailbox in mailboxes { outcomes[mailbox.outcome, default: 0] += 1 }
        let active = applies.reduce(0.0) { sum, apply in sum + max(0, (apply.finishedAt ?? apply.startedAt).timeIntervalSince(apply.startedAt)) }
        let summary = CloseoutSummary(
            mailboxes: mailboxes.count, outcomes: outcomes,
            messages: mailboxes.reduce(0) { $0 + $1.copied }, bytes: mailboxes.reduce(0) { $0 + $1.copiedBytes },
            skippedMessages: mailboxes.reduce(0) { $0 + $1.skipped }, skippedBytes: mailboxes.reduce(0) { $0 + $1.skippedBytes },
            firstStart: applies.first?.startedAt, lastEnd: applies.compactMap(\.finishedAt).max(), activeSeconds: active,
            sourceThrottledSeconds: mailboxes.reduce(0) { $0 + ($1.lastResult?.sourceThrottledSeconds ?? 0) },
            targetThrottledSeconds: mailboxes.reduce(0) { $0 + ($1.lastResult?.targetThrottledSeconds ?? 0) })
        let dnsChanges = try store.history(kind: DNSRecordState.kind).map(Self.dnsChange)
        return CloseoutReport(status: status, summary: summary, skipped: skipped, failures: failures, dnsChanges: dnsChanges, applies: applies)
    }

    // MARK: - Parts

    private func verificationRecord() throws -> VerificationRecord? {
        guard let resource = try store.resource(VerificationRecord.address) else { return nil }
        if let record = try? resource.decode(VerificationRecord.self) { return record }
        if let summary = try? resource.decode(VerificationSummary.self) {
            return VerificationRecord(at: summary.at, failedDomains: summary.failedDomains, mailboxes: [:])
        }
        return nil
    }

    /// The gate facts as the engine derives them: the lowest stage of each batch whose members all passed once.
    private func gateFacts(batches: [BatchStatus], verification: VerificationRecord?) -> CutoverGateFacts {
        var facts = CutoverGateFacts(failedVerification: Set(verification?.failedDomains ?? []))
        for batch in batches where batch.goal != nil {
            if let reached = batch.reached { facts.batchStages[batch.name] = reached }
        }
        return facts
    }

    private func domainStatus(_ domain: Domain, recorded: [String: DNSRecordState], facts: CutoverGateFacts) -> DomainStatus {
        let keys = DNSPlanner.managedKeys(of: domain)
        let records = keys.compactMap { key -> RecordStatus? in
            guard let state = recorded[key.address] else { return nil }
            return RecordStatus(key: key, phase: state.phase, applied: state.applied, original: state.original,
                                lowered: state.lowered, cutoverAt: state.cutoverAt, requested: state.requested)
        }
        let cutoverKeys = (domain.cutover?.records ?? []).map { RRsetKey(domain: domain.name, owner: $0.name, type: $0.type) }
        let cutoverStates = cutoverKeys.compactMap { recorded[$0.address] }
        // A mail-only domain (`dns: none`) is cut over when the plan routes it to the target.
        let cutOver = domain.dnsProvider == nil ? domain.route == .target : !cutoverKeys.isEmpty && cutoverStates.count == cutoverKeys.count && cutoverStates.allSatisfy { $0.phase == .cutover }
        if cutOver {
            return DomainStatus(name: domain.name, route: domain.route, records: records, cutOver: true,
                                cutoverAt: cutoverStates.compactMap(\.cutoverAt).max(), earliestCutover: nil, waitingFor: [])
        }
        let blocked = CutoverGate.check(domain: domain, plan: plan, cutoverKeys: cutoverKeys,
                                        base: { recorded[$0.address]?.original ?? recorded[$0.address]?.applied },
                                        recorded: { recorded[$0.address] }, facts: facts, now: now)
        let earliest = blocked.compactMap(\.earliest).max() ?? now
        return DomainStatus(name: domain.name, route: domain.route, records: records, cutOver: false, cutoverAt: nil,
                            earliestCutover: earliest, waitingFor: blocked.map(\.reason))
    }

    /// The batch name shown for mailboxes of the plan that no batch selects.
    public static let noBatch = "(no batch)"

    static func reached(_ mailboxes: [MailboxStatus]) -> Stage? {
        guard !mailboxes.isEmpty, !mailboxes.contains(where: { $0.stage == nil }) else { return nil }
        return mailboxes.compactMap(\.stage).min()
    }

    static func reasons(_ skipped: [SkippedMessage]) -> [SkipReason] {
        var order: [String] = []
        var grouped: [String: SkipReason] = [:]
        for message in skipped {
            if grouped[message.reason] == nil { order.append(message.reason) }
            grouped[message.reason, default: SkipReason(reason: message.reason, count: 0, bytes: 0)].count += 1
            grouped[message.reason]?.bytes += Int64(message.size)
        }
        return order.compactMap { grouped[$0] }.sorted { $0.count > $1.count }
    }

    /// `mailbox.ADDRESS/folder/PATH` → `ADDRESS`.
    static func mailbox(ofFolderAddress address: String) -> String? {
        guard address.hasPrefix("mailbox."), let range = address.range(of: "/folder/") else { return nil }
        return String(address[address.index(address.startIndex, offsetBy: 8)..<range.lowerBound])
    }

    static func dnsChange(_ entry: HistoryEntry) -> DNSHistoryItem {
        let before = entry.before.flatMap { try? StateCoding.decoder.decode(DNSRecordState.self, from: $0) }
        let after = entry.after.flatMap { try? StateCoding.decoder.decode(DNSRecordState.self, from: $0) }
        let change: String
        if after == nil {
            change = "forgotten by the state"
        } else if let after, before?.phase != .cutover, after.phase == .cutover {
            change = "cut over to the target"
        } else if let after, before?.phase == .cutover, after.phase == .source {
            change = "restored to the source"
        } else if let lowered = after?.lowered, before?.lowered != lowered {
            change = "TTL lowered to \(lowered.ttl)s (from \(lowered.fromTTL)s)"
        } else if before == nil {
            change = after?.applied == nil ? "taken under management (removed)" : "taken under management"
        } else if before?.applied != after?.applied {
            change = "records changed"
        } else {
            change = "state updated"
        }
        func text(_ state: DNSRecordState?, exists: Bool) -> String {
            guard exists, let state else { return "none" }
            return state.applied?.description ?? "none"
        }
        // The first change of an RRset has no state before it; the live RRset it replaced is the
        // recorded original (what mailmig found before touching it).
        let beforeText = entry.before == nil ? (after?.original?.description ?? "none") : text(before, exists: true)
        return DNSHistoryItem(serial: entry.serial, at: entry.at, address: entry.address, change: change,
                              before: beforeText, after: text(after, exists: entry.after != nil))
    }
}
