import Foundation

/// The outcome of one mailbox's last verification, kept in the state.
public struct MailboxVerdict: Sendable, Equatable, Codable {
    /// When it was verified.
    public var at: Date
    /// Whether it passed.
    public var passed: Bool
    /// Whether bodies were compared.
    public var deep: Bool
    /// Differences found.
    public var differences: Int

    /// Creates a verdict from its fields.
    package init(at: Date, passed: Bool, deep: Bool, differences: Int) {
        self.at = at
        self.passed = passed
        self.deep = deep
        self.differences = differences
    }
}

/// What the state keeps as resource `verification`: a `VerificationSummary` (which the cutover gate
/// reads) extended with each mailbox's last verdict, so that verifying some mailboxes (`--target`)
/// keeps the verdicts of the others.
public struct VerificationRecord: Sendable, Equatable, Codable {
    /// When the last verification ran.
    public var at: Date
    /// Domains with at least one mailbox whose last verification failed.
    public var failedDomains: [String]
    /// The last verdict per source address.
    public var mailboxes: [String: MailboxVerdict]

    /// Creates a record from its fields.
    package init(at: Date, failedDomains: [String], mailboxes: [String: MailboxVerdict]) {
        self.at = at
        self.failedDomains = failedDomains
        self.mailboxes = mailboxes
    }

    /// The state address.
    public static let address = "verification"
    /// The state address of the last verification of the backup (`verify --backup`), which the cutover does not wait for.
    public static let backupAddress = "verification.backup"
    /// The resource kind.
    public static let kind = "verification"

    /// The record after `report`: its verdicts replace earlier ones of the same mailboxes.
    public static func merging(_ report: VerificationReport, into previous: VerificationRecord?) -> VerificationRecord {
        var verdicts = previous?.mailboxes ?? [:]
        for mailbox in report.mailboxes {
            switch mailbox.outcome {
            case .passed, .failed, .interrupted:
                verdicts[mailbox.source] = MailboxVerdict(at: report.at, passed: mailbox.outcome == .passed, deep: report.deep,
                                                          differences: mailbox.differences)
            case .notMigrated:
                verdicts[mailbox.source] = nil
            }
        }
        let failed = Set(verdicts.filter { !$0.value.passed }.compactMap { EmailAddress($0.key)?.domain }).sorted()
        return VerificationRecord(at: report.at, failedDomains: failed, mailboxes: verdicts)
    }
}

extension Verifier {
    /// Stores the report as resource `verification`, merged with the verdicts of mailboxes not verified now,
    /// and what it found per folder on the folder records (`VerifyFindings`), which the next plan reads.
    @discardableResult
    public func record(_ report: VerificationReport) throws -> VerificationRecord {
        let address = backup ? VerificationRecord.backupAddress : VerificationRecord.address
        let previous = try store.resource(address).flatMap { try? $0.decode(VerificationRecord.self) }
        let record = VerificationRecord.merging(report, into: previous)
        try store.commit([try .put(address, kind: VerificationRecord.kind, record)] + findingChanges(report))
        return record
    }
}
