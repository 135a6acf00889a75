import Foundation

/// Runs the mail steps of an execution plan and says what the state should record.
struct MailSteps: Sendable {
    let context: MailContext
    let store: StateStore
    let faults: FaultInjection
    let progress: (any MailProgress)?
    /// The worker's leases, checked before each chunk is appended; nil outside a shared apply.
    var lease: LeaseGuard? = nil

    /// Creates a target mailbox with the plan's command.
    func provision(_ work: ProvisionWork) async throws -> [ResourceChange] {
        let failure: String?
        do {
            let outcome = try await ProvisionCommand.run(work.command, in: context.plan.baseDirectory, environment: context.environment)
            failure = outcome.succeeded ? nil : "`\(work.command.joined(separator: " "))` " + ProvisionCommand.lastLine(of: outcome, timeout: ProvisionCommand.timeout)
        } catch {
            failure = error.description
        }
        if let failure {
            throw MailError(side: .target, server: context.target.server, mailbox: work.source,
                            reason: "creating the mailbox \(work.target) with target.provision.create failed: \(failure)")
        }
        var record = try existingRecord(work.source) ?? MailboxRecord(source: work.source, target: work.target, batch: batchName(work.source),
                                                                        reached: nil, provisioned: false)
        record.provisioned = true
        return [try .put(MailboxRecord.address(work.source), kind: MailboxRecord.kind, record)]
    }

    /// One pass over a mailbox, retried on transient failures; records its outcome on the mailbox. A pass
    /// that fails after skipping messages says so in its failure (apply's summary counts every skip).
    func pass(_ work: MailboxWork) async throws -> StepResult {
        guard let mailbox = context.mailbox(work.source) else {
            throw MailError(side: .source, server: context.source.server, mailbox: work.source, reason: "the plan no longer lists this mailbox")
        }
        let started = Date()
        var record = try existingRecord(work.source) ?? MailboxRecord(source: work.source, target: work.target, batch: work.batch,
                                                                        reached: nil, provisioned: false)
        var copier = MailboxCopier(mailbox: mailbox, batch: work.batch, settings: work.settings, store: store, source: context.source,
                                   target: context.target, faults: faults, progress: progress)
        copier.lease = lease
        copier.lanes = context.lanes
        // Skips of attempts that failed count too: they are recorded for good.
        let skippedBefore = try store.skipped(mailbox: work.source).count
        var result: MailPassResult
        do {
            if let backup = context.backup {
                // The backup goes first: no message reaches the target that the backup does not hold.
                var backupCopier = MailboxCopier(mailbox: mailbox, batch: work.batch, settings: context.backupSettings(for: work.settings),
                                                 store: store, source: context.source, target: backup, faults: faults, progress: nil,
                                                 ledgerScope: MailboxCopier.backupScope)
                backupCopier.lease = lease
                record.lastBackup = try await Self.retried(backupCopier, store: store, plan: context.plan)
            }
            let meter = ThrottleMeter()
            // A backup is brought up to date above whatever changed: its pass already asked the source.
            // A mailbox whose last pass failed gets a whole pass, so that its record says how it stands
            // now (a login refused then may work now) instead of keeping that failure next to a ✓.
            let checksFirst = work.checksFirst == true && context.backup == nil && record.lastError == nil
            let copied = try await ThrottleMeter.$current.withValue(meter) {
                checksFirst ? try await Self.retriedIfChanged(copier, store: store, plan: context.plan)
                    : try await Self.retried(copier, store: store, plan: context.plan)
            }
            guard let copied else {
                // Nothing changed since the last pass: the mailbox's record stays as that pass left it.
                progress?.nothingNew(mailbox: work.source)
                return StepResult(changes: [])
            }
            result = copied
            result.sourceThrottledSeconds = meter.total(.source)
            result.targetThrottledSeconds = meter.total(.target)
        } catch {
            var failure = error
            let skipped = (try? store.skipped(mailbox: work.source).count).map { $0 - skippedBefore } ?? 0
            if skipped > 0, var mail = error as? MailError {
                mail.reason += "; before that, \(Self.skippedText(skipped))"
                failure = mail
            }
            record.lastError = SecretRedaction.redact("\(failure)")
            _ = try? store.commit([try .put(MailboxRecord.address(work.source), kind: MailboxRecord.kind, record)])
            throw failure
        }
        if let limit = work.settings.maxSkipped {
            let skipped = try store.skipped(mailbox: work.source).count
            if skipped > limit {
                // What was copied stays copied; the mailbox is not counted as having reached the stage.
                let failure = SkipLimitExceeded(mailbox: work.source, batch: work.batch, skipped: skipped, limit: limit)
                record.lastResult = result
                record.lastError = failure.description
                _ = try? store.commit([try .put(MailboxRecord.address(work.source), kind: MailboxRecord.kind, record)])
                throw failure
            }
        }
        record.reached = max(record.reached ?? work.settings.stage, work.settings.stage)
        record.batch = work.batch
        record.lastPass = Date()
        record.lastDuration = Date().timeIntervalSince(started)
        // Keywords left out stay reported after later passes, which no longer send those messages.
        for (folder, keywords) in record.lastResult?.droppedKeywords ?? [:] { result.dropped(keywords, in: folder) }
        record.lastResult = result
        record.lastError = nil
        return StepResult(changes: [try .put(MailboxRecord.address(work.source), kind: MailboxRecord.kind, record)])
    }

    /// Runs a copier, retried on transient failures. Each retry resumes from the ledger, so nothing is
    /// copied twice; one that recorded more messages than the last earns the pass further attempts.
    /// A server that throttles is waited for, up to its side's `throttling.give_up_after` in a row without progress.
    static func retried(_ copier: MailboxCopier, store: StateStore, plan: Plan) async throws -> MailPassResult {
        try await retrying(copier, store: store, plan: plan) { try await copier.run() }
    }

    /// Runs a copier that first asks the source whether anything changed (`MailboxCopier.runIfChanged`),
    /// retried as `retried`; nil when nothing did.
    ///
    /// A retry asks again: an attempt that failed after copying has left some folder's record behind
    /// the source (records are written once a folder is done, and nothing after the last one can
    /// fail transiently), so the retry still finds that something changed.
    static func retriedIfChanged(_ copier: MailboxCopier, store: StateStore, plan: Plan) async throws -> MailPassResult? {
        try await retrying(copier, store: store, plan: plan) { try await copier.runIfChanged() }
    }

    private static func retrying<T: Sendable>(_ copier: MailboxCopier, store: StateStore, plan: Plan, _ attempt: () async throws -> T) async throws -> T {
        let key = copier.ledgerKey
        return try await TransientRetry.run(progress: { try store.ledgerCount(mailbox: key, folder: nil) + store.skipped(mailbox: key).count },
                                            giveUpAfter: { Double(($0 == .source ? plan.source : plan.target).throttling.giveUpAfter) }, attempt)
    }

    /// `2 messages were skipped on purpose and not copied (mailmig status and mailmig report list them with the reason)`.
    static func skippedText(_ count: Int) -> String {
        "\(Formatting.count(count)) message\(count == 1 ? " was" : "s were") skipped on purpose and not copied "
            + "(mailmig status and mailmig report list \(count == 1 ? "it" : "them") with the reason)"
    }

    private func existingRecord(_ source: String) throws -> MailboxRecord? {
        try store.resource(MailboxRecord.address(source)).map { try $0.decode(MailboxRecord.self) }
    }

    private func batchName(_ source: String) -> String {
        context.plan.batches.first { context.plan.batchMembers[$0.name]?.contains { $0.description == source } ?? false }?.name ?? ""
    }
}
