import Foundation

/// The closeout report: the status plus totals, every skipped and failed item, DNS changes and the passes.
public struct CloseoutReport: Sendable, Equatable {
    /// Where everything stands.
    public var status: StatusReport
    /// Totals.
    public var summary: CloseoutSummary
    /// Every message skipped on purpose.
    public var skipped: [SkippedMessage]
    /// Mailboxes whose last pass or verification failed.
    public var failures: [FailureItem]
    /// Every recorded change of a DNS RRset, oldest first.
    public var dnsChanges: [DNSHistoryItem]
    /// Every apply and rollback, oldest first: the timeline of passes.
    public var applies: [ApplyRecord]
}

/// Totals of a migration.
public struct CloseoutSummary: Sendable, Equatable {
    /// Mailboxes in the report.
    public var mailboxes: Int
    /// Mailboxes by outcome.
    public var outcomes: [MailboxOutcome: Int]
    /// Messages in the ledger.
    public var messages: Int
    /// Their bytes.
    public var bytes: Int64
    /// Messages skipped on purpose.
    public var skippedMessages: Int
    /// Their bytes.
    public var skippedBytes: Int64
    /// When the first apply started.
    public var firstStart: Date?
    /// When the last apply ended.
    public var lastEnd: Date?
    /// Seconds applies were running, summed (overlaps are not possible: applies take the lock).
    public var activeSeconds: Double
    /// Seconds the mailboxes' last passes were held back by the source's throttling, summed; and by the target's.
    public var sourceThrottledSeconds = 0.0, targetThrottledSeconds = 0.0

    /// Mailboxes with this outcome.
    public func count(_ outcome: MailboxOutcome) -> Int { outcomes[outcome] ?? 0 }

    /// Bytes per second over the time applies ran, when they ran at all.
    public var bytesPerSecond: Double? { activeSeconds > 0 ? Double(bytes) / activeSeconds : nil }
    /// Messages per second over the time applies ran.
    public var messagesPerSecond: Double? { activeSeconds > 0 ? Double(messages) / activeSeconds : nil }
}

/// A mailbox that failed, with the server's answer or the verification's finding.
public struct FailureItem: Sendable, Equatable {
    /// The source address.
    public var mailbox: String
    /// What failed, in one sentence.
    public var reason: String
    /// When (the last pass or verification), when known.
    public var at: Date?
}

/// One recorded change of a DNS RRset.
public struct DNSHistoryItem: Sendable, Equatable {
    /// The state serial of the change.
    public var serial: Int
    /// When it was recorded.
    public var at: Date
    /// The RRset's state address.
    public var address: String
    /// `TTL lowered to 300s`, `cut over to the target`, `restored to the source`, `values changed`, `forgotten`.
    public var change: String
    /// The RRset before (`none`).
    public var before: String
    /// The RRset after (`none`).
    public var after: String
}
