import Foundation
import MailMigCore
import MailMigPlanFile

/// A plan and a state written by hand: four mailboxes in every condition, DNS lowered then cut over, a verification.
///
/// alice: synced, verified; bob: synced with two skips (one with hostile text); carol: last pass failed;
/// dave: never passed. acme.test: TTLs lowered, then the MX cut over (the other records not yet).
///
/// The state is written through the `StateBackend` the caller gives for the plan file, so the engine's
/// tests and the command line's tests fill the same state through the backend each may reach.
public final class ReportFixture: @unchecked Sendable {
    /// A temporary folder holding the plan's path and its state; removed with the fixture.
    public let folder: URL
    public let plan: Plan
    public let store: StateStore
    /// The DNS provider kinds its plan was read with.
    public let dnsKinds: DNSProviderRegistry
    /// The time the report is made at.
    public let now = Date(timeIntervalSince1970: 1_772_366_400)
    /// Text a hostile server or message could carry, in a skip reason, a Message-ID, a folder and an error.
    public static let hostile = "<script>alert(\"x\")</script> & 'quotes', commas\nand a line break; see http://evil.test/x.png"

    public static let planText = """
        mailmig: 1
        name: report-fixture <&>
        source:
          imap: { host: imap.oldmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:REPORT_TEST_PASSWORD }, style: master-user }
        target:
          imap: { host: imap.newmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:REPORT_TEST_PASSWORD }, style: master-user }
        dns:
          providers:
            primary:
              rfc2136:
                server: 127.0.0.1:5353
                key: { name: mailmig-key, algorithm: hmac-sha256, secret: file:tsig.key }
        domains:
          - name: acme.test
            dns: primary
            route: target
            cutover:
              lower_ttl_to: 300
              records:
                - { type: MX, values: ["10 mx.newmail.test."] }
                - { name: autodiscover, type: CNAME, values: ["autodiscover.newmail.test."] }
        mailboxes:
          - alice@acme.test
          - bob@acme.test
          - carol@acme.test
          - dave@acme.test
        batches:
          - { name: pilot, mailboxes: [alice@acme.test, bob@acme.test], stage: sync }
          - { name: everyone, select: rest, stage: presync }

        """

    public static let mx = RRsetKey(domain: "acme.test", owner: "@", type: .MX)
    public static let cname = RRsetKey(domain: "acme.test", owner: "autodiscover", type: .CNAME)

    /// The fixture, its state opened from `stateBackend(plan, planPath)` (the plan's path is `mailmig.yaml` in `folder`),
    /// its plan read with `dnsKinds` (the plan declares an `rfc2136` provider).
    public init(stateBackend: (_ plan: Plan, _ planPath: String) throws -> any StateBackend, dnsKinds: DNSProviderRegistry) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.dnsKinds = dnsKinds
        let planPath = folder.appendingPathComponent("mailmig.yaml").path
        plan = try Self.load(Self.planText, file: planPath, folder: folder, dnsKinds: dnsKinds)
        store = try stateBackend(plan, planPath).open()
        try fill()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The ledger rows: alice 3 messages, bob 2.
    public static let ledger: [(mailbox: String, folder: String, uid: MessageKey, size: Int)] = [
        ("alice@acme.test", "INBOX", 1, 1_000), ("alice@acme.test", "INBOX", 2, 2_500), ("alice@acme.test", "Sent", 1, 40_000),
        ("bob@acme.test", "INBOX", 7, 12_345), ("bob@acme.test", "Archive/2020", 3, 700),
    ]

    private func fill() throws {
        let entries = Self.ledger.map { row in
            LedgerEntry(mailbox: row.mailbox, folder: row.folder, uidValidity: 11, uid: row.uid, messageID: "<\(row.uid.value)@acme.test>",
                        size: row.size, internalDate: "01-Feb-2026 10:00:00 +0000", sha256: String(repeating: "a", count: 64),
                        flags: ["\\Seen"], targetFolder: row.folder, targetUIDValidity: 22, targetUID: row.uid)
        }
        try store.recordPendingCopies(entries)
        try store.commitCopies(entries)
        try store.recordSkipped([
            SkippedMessage(mailbox: "bob@acme.test", folder: "INBOX", uidValidity: 11, uid: 8, size: 40_000_000, internalDate: nil,
                           messageID: "<big@acme.test>", reason: "larger than filters.max_message_size (35MB)"),
            SkippedMessage(mailbox: "bob@acme.test", folder: "Odd, \"folder\"", uidValidity: 11, uid: 9, size: 512, internalDate: nil,
                           messageID: Self.hostile, reason: Self.hostile),
        ])
        try store.beginApply(id: "apply-1", operation: "apply")
        var lastPass = MailPassResult()
        lastPass.copied = 3
        lastPass.bytes = 43_500
        try store.commit([
            try .put(MailboxRecord.address("alice@acme.test"), kind: MailboxRecord.kind,
                     MailboxRecord(source: "alice@acme.test", target: "alice@acme.test", batch: "pilot", reached: .sync, provisioned: true,
                                   lastPass: now.addingTimeInterval(-3_000), lastDuration: 12.5, lastResult: lastPass, lastError: nil)),
            try .put(MailboxRecord.address("bob@acme.test"), kind: MailboxRecord.kind,
                     MailboxRecord(source: "bob@acme.test", target: "bob@acme.test", batch: "pilot", reached: .sync, provisioned: false,
                                   lastPass: now.addingTimeInterval(-2_900), lastDuration: 4, lastResult: MailPassResult(), lastError: nil)),
            try .put(MailboxRecord.address("carol@acme.test"), kind: MailboxRecord.kind,
                     MailboxRecord(source: "carol@acme.test", target: "carol@acme.test", batch: "everyone", reached: nil, provisioned: false,
                                   lastPass: nil, lastDuration: nil, lastResult: nil,
                                   lastError: "the target server imap.newmail.test refused APPEND to INBOX of carol@acme.test: NO [OVERQUOTA] " + Self.hostile)),
            try .put(FolderRecord.address(mailbox: "alice@acme.test", folder: "INBOX"), kind: FolderRecord.kind,
                     FolderRecord(source: "INBOX", target: "INBOX", uidValidity: 11, uidNext: 3, highestModSeq: nil, messages: 2, stage: .sync,
                                  cutoff: nil, at: now)),
            try .put(FolderRecord.address(mailbox: "alice@acme.test", folder: "Sent"), kind: FolderRecord.kind,
                     FolderRecord(source: "Sent", target: "Sent", uidValidity: 11, uidNext: 2, highestModSeq: nil, messages: 1, stage: .sync,
                                  cutoff: nil, at: now)),
        ], applyID: "apply-1")
        let lowered = TTLLowering(ttl: 300, fromTTL: 3600, at: now.addingTimeInterval(-7_200))
        func dns(_ key: RRsetKey, _ value: String, phase: DNSPhase, lowered: TTLLowering?, cutoverAt: Date? = nil) throws -> ResourceChange {
            try .put(key.address, kind: DNSRecordState.kind,
                     DNSRecordState(key: key, provider: "primary", original: RRsetSnapshot(ttl: 3600, values: [value]),
                                    applied: RRsetSnapshot(ttl: lowered?.ttl ?? 3600, values: [value]), phase: phase, lowered: lowered, cutoverAt: cutoverAt))
        }
        try store.commit([try dns(Self.mx, "10 mx.oldmail.test.", phase: .source, lowered: nil),
                          try dns(Self.cname, "autodiscover.oldmail.test.", phase: .source, lowered: nil)], applyID: "apply-1")
        try store.commit([try dns(Self.mx, "10 mx.oldmail.test.", phase: .source, lowered: lowered),
                          try dns(Self.cname, "autodiscover.oldmail.test.", phase: .source, lowered: lowered)], applyID: "apply-1")
        try store.finishApply(id: "apply-1", status: "succeeded", summary: "")
        try store.beginApply(id: "apply-2", operation: "apply")
        try store.commit([try .put(Self.mx.address, kind: DNSRecordState.kind,
                                   DNSRecordState(key: Self.mx, provider: "primary", original: RRsetSnapshot(ttl: 3600, values: ["10 mx.oldmail.test."]),
                                                  applied: RRsetSnapshot(ttl: 300, values: ["10 mx.newmail.test."]), phase: .cutover,
                                                  lowered: lowered, cutoverAt: now.addingTimeInterval(-60)))], applyID: "apply-2")
        try store.finishApply(id: "apply-2", status: "failed", summary: "")
        let verdict = MailboxVerdict(at: now.addingTimeInterval(-600), passed: true, deep: true, differences: 0)
        try store.commit([try .put(VerificationRecord.address, kind: VerificationRecord.kind,
                                   VerificationRecord(at: verdict.at, failedDomains: [], mailboxes: ["alice@acme.test": verdict]))])
    }

    /// The builder over this fixture.
    public var builder: ReportBuilder { ReportBuilder(plan: plan, store: store, now: now) }

    /// The plan without its batch 'everyone': dave, never passed, is in no batch; carol keeps the batch her
    /// record names.
    public func planWithoutEveryone() throws -> Plan {
        let text = Self.planText.replacingOccurrences(of: "  - { name: everyone, select: rest, stage: presync }\n", with: "")
        return try Self.load(text, file: "plan.yaml", folder: folder, dnsKinds: dnsKinds)
    }

    private static func load(_ text: String, file: String, folder: URL, dnsKinds: DNSProviderRegistry) throws -> Plan {
        let result = PlanLoader.load(text: text, file: file, baseDirectory: folder, dnsKinds: dnsKinds)
        guard let plan = result.plan else {
            throw InvalidReportPlan(description: result.diagnostics.map(\.message).joined(separator: "\n"))
        }
        return plan
    }
}

/// The fixture plan did not load.
public struct InvalidReportPlan: Error, CustomStringConvertible {
    public let description: String
}
