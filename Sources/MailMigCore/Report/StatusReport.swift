import Foundation

/// Where a migration stands, read from the state alone: per batch and mailbox, per domain.
public struct StatusReport: Sendable, Equatable {
    /// The plan's name.
    public var planName: String
    /// The state's lineage.
    public var lineage: String
    /// The state serial the report was made from.
    public var serial: Int
    /// When the report was made.
    public var generatedAt: Date
    /// Batches in plan order; mailboxes recorded without a batch of the plan come last.
    public var batches: [BatchStatus]
    /// Domains in plan order, with their DNS as recorded.
    public var domains: [DomainStatus]
    /// The last verification, when one ran.
    public var verification: VerificationRecord?

    /// Every mailbox, batch by batch.
    public var mailboxes: [MailboxStatus] { batches.flatMap(\.mailboxes) }
}

/// One batch: the stage the plan asks for and the one all its mailboxes have reached.
public struct BatchStatus: Sendable, Equatable {
    /// The batch name.
    public var name: String
    /// The stage the plan asks for (`nil`: the batch is no longer in the plan).
    public var goal: Stage?
    /// The stage every member has reached (`nil`: at least one has not completed a pass).
    public var reached: Stage?
    /// Its mailboxes.
    public var mailboxes: [MailboxStatus]
}

/// How a mailbox came out, as the closeout report counts it.
public enum MailboxOutcome: String, Sendable, Equatable, CaseIterable {
    /// Synced (or finished) with nothing skipped.
    case migrated
    /// Synced (or finished), some messages skipped on purpose.
    case migratedWithSkips = "migrated-with-skips"
    /// The last pass failed, or the last verification found differences.
    case failed
    /// Some passes done, not yet at sync.
    case inProgress = "in-progress"
    /// No pass has completed.
    case notStarted = "not-started"
}

/// A reason for skipping and how many messages it applies to.
public struct SkipReason: Sendable, Equatable {
    /// The reason as recorded.
    public var reason: String
    /// Messages.
    public var count: Int
    /// Their bytes.
    public var bytes: Int64
}

/// One mailbox: stage, what was copied (from the ledger), skipped, failed, last pass and verification.
public struct MailboxStatus: Sendable, Equatable {
    /// The source address.
    public var source: String
    /// The target address.
    public var target: String
    /// The batch.
    public var batch: String
    /// The last stage whose pass completed.
    public var stage: Stage?
    /// Whether mailmig created the target mailbox.
    public var provisioned: Bool
    /// Messages in the ledger (copied, or recorded as already there).
    public var copied: Int
    /// Their bytes.
    public var copiedBytes: Int64
    /// Messages skipped on purpose.
    public var skipped: Int
    /// Their bytes.
    public var skippedBytes: Int64
    /// Skips grouped by reason.
    public var skipReasons: [SkipReason]
    /// Messages the source folders held at their last pass, when every folder's count is recorded.
    public var sourceMessages: Int?
    /// Folders recorded.
    public var folders: Int
    /// Messages of an interrupted chunk awaiting reconciliation by the next pass.
    public var pending: Int
    /// When the last pass ended.
    public var lastPass: Date?
    /// How long it took, in seconds.
    public var lastDuration: Double?
    /// Its counts.
    public var lastResult: MailPassResult?
    /// The error of the last failed pass, with the server's answer.
    public var error: String?
    /// The last verification verdict.
    public var verification: MailboxVerdict?
    /// The backup of the mailbox, when the plan has `backup:`.
    public var backup: BackupStatus? = nil
    /// Contacts, calendars and tasks, one entry per kind the plan copies (empty: none).
    public var collections: [CollectionStatus] = []

    /// Messages known: copied plus skipped.
    public var knownMessages: Int { copied + skipped }
    /// Bytes known: copied plus skipped.
    public var knownBytes: Int64 { copiedBytes + skippedBytes }

    /// How the mailbox came out.
    public var outcome: MailboxOutcome {
        if error != nil || verification?.passed == false || collections.contains(where: { $0.error != nil }) { return .failed }
        guard let stage else { return .notStarted }
        if stage < .sync { return .inProgress }
        return skipped > 0 ? .migratedWithSkips : .migrated
    }
}

/// The backup of one mailbox: what its ledger holds, its last copy and its last verification.
public struct BackupStatus: Sendable, Equatable {
    /// Messages kept in the backup.
    public var copied: Int
    /// Their bytes.
    public var bytes: Int64
    /// Messages the backup left out (they could not be read from the source).
    public var skipped: Int
    /// The backup copy of the last pass.
    public var lastResult: MailPassResult?
    /// The last `verify --backup` verdict.
    public var verification: MailboxVerdict?

    /// Creates a backup status.
    public init(copied: Int, bytes: Int64, skipped: Int, lastResult: MailPassResult?, verification: MailboxVerdict?) {
        self.copied = copied
        self.bytes = bytes
        self.skipped = skipped
        self.lastResult = lastResult
        self.verification = verification
    }
}

/// One domain: its route in the plan, its records as recorded, and when it may be cut over.
public struct DomainStatus: Sendable, Equatable {
    /// The domain name.
    public var name: String
    /// The route the plan asks for.
    public var route: Domain.Route
    /// Managed RRsets as recorded (never queried by `status`).
    public var records: [RecordStatus]
    /// Whether every recorded cutover RRset is switched to the target.
    public var cutOver: Bool
    /// When the cutover happened (the latest switch of its records).
    public var cutoverAt: Date?
    /// The earliest time a cutover may happen, as far as time decides it (`nil` once cut over).
    public var earliestCutover: Date?
    /// What else holds the cutover back (batches, verification, TTL).
    public var waitingFor: [String]
}

/// One managed RRset as recorded.
public struct RecordStatus: Sendable, Equatable {
    /// The RRset.
    public var key: RRsetKey
    /// Source or cut over.
    public var phase: DNSPhase
    /// What mailmig last wrote.
    public var applied: RRsetSnapshot?
    /// What was there before mailmig.
    public var original: RRsetSnapshot?
    /// The TTL lowering, if any.
    public var lowered: TTLLowering?
    /// When it was cut over.
    public var cutoverAt: Date?
    /// What the operator was asked to set by hand and an apply has not found yet.
    public var requested: OperatorRequest? = nil

    /// `ttl 300 (lowered from 3600 at …; the old TTL expires …)` or `ttl 3600`.
    public var ttlState: String {
        var text = applied.map { "ttl \($0.ttl)" } ?? "removed"
        if let lowered {
            text += " (lowered from \(lowered.fromTTL) at \(ReportFormatting.time(lowered.at)); old TTL expires \(ReportFormatting.time(lowered.oldTTLExpires)))"
        }
        return text
    }
}

/// Where one kind of a mailbox's contacts and calendars stands.
public struct CollectionStatus: Sendable, Equatable {
    /// Address books, calendars or task lists.
    public var kind: CollectionKind
    /// Items copied and unchanged since (ledger rows without a conflict).
    public var copied: Int
    /// Items a killed pass was storing, settled by the next pass.
    public var pending: Int
    /// Items not copied as they are now, each as `collection/item: why`.
    public var conflicts: [String]
    /// Collections the last pass copied.
    public var collections: Int?
    /// When the last pass ended.
    public var lastPass: Date?
    /// Why the last pass failed, when it did (after the last that completed).
    public var error: String?

    /// Creates a status.
    public init(kind: CollectionKind, copied: Int, pending: Int, conflicts: [String], collections: Int?, lastPass: Date?, error: String? = nil) {
        self.error = error
        self.kind = kind
        self.copied = copied
        self.pending = pending
        self.conflicts = conflicts
        self.collections = collections
        self.lastPass = lastPass
    }
}
