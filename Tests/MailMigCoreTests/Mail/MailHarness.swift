import Foundation
@testable import MailMigCore
import MailMigPlanFile
import MailMigStateSQLite
import TestSupport

/// A temporary plan folder with one mailbox (alice), fake source and target servers, and the real
/// engine between them: plan, apply and verify as the CLI runs them, without any network.
final class MailHarness: @unchecked Sendable {
    /// The mailbox of the plan (the same address on both sides).
    static let alice = "alice@acme.test"

    let folder: URL
    let source: FakeMailStore
    let target: FakeMailStore
    /// Top-level YAML appended to the plan (folders, filters, batches).
    var extra: String
    /// Lines added to the plan's `target:` (each indented by two spaces and ending in a newline).
    var targetExtra = ""
    /// Mail steps the apply runs at once; above the mailboxes' count, the rest is lent to them as lanes.
    var parallelism = 1
    /// The store the plan's `backup:` is served by, when a test gives one.
    var backup: FakeMailStore?
    /// Mailboxes listed after alice, in this order (each exists on both servers).
    var others: [String] = [] {
        didSet {
            for address in others {
                source.addMailbox(address)
                target.addMailbox(address)
            }
        }
    }

    /// A fresh folder; alice exists on both servers (INBOX only) unless the caller seeds otherwise.
    init(source: FakeMailStore = FakeMailStore(side: .source), target: FakeMailStore = FakeMailStore(side: .target), extra: String = "") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.source = source
        self.target = target
        self.extra = extra
        source.addMailbox(Self.alice)
        target.addMailbox(Self.alice)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The plan: both sides "IMAP" as the plan sees them, served by the fakes.
    var planText: String {
        """
        mailmig: 1
        name: mail-fake-test
        source:
          imap: { host: imap.oldmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:MAIL_TEST_PASSWORD }, style: master-user }
        target:
          imap: { host: imap.newmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:MAIL_TEST_PASSWORD }, style: master-user }
        \(targetExtra)mailboxes:
          - \(Self.alice)
        \(others.map { "  - \($0)\n" }.joined())\(extra)
        """
    }

    /// The workspace, with the fakes registered as the plan's `imap` stores.
    func workspace() throws -> Workspace {
        var mail = MailStoreRegistry()
        let (source, target, backup) = (self.source, self.target, self.backup)
        mail.register("imap") { side, server, _ in
            guard case .imap = server.access else { return nil }
            return side == .source ? source : target
        }
        if let backup { mail.register("maildir") { _, _, _ in backup } }
        return try Workspace.test(planText, in: folder, adapters: AdapterRegistry(mail: mail))
    }

    var stateFolder: URL { folder.appendingPathComponent(".mailmig") }

    /// An engine over a fresh workspace and the state.
    func engine() throws -> Engine {
        let workspace = try workspace()
        return Engine(workspace: workspace, store: try workspace.openState())
    }

    /// What `mailmig plan` would show.
    func plan() async throws -> ExecutionPlan {
        try await engine().plan()
    }

    /// Plans and applies, as `mailmig apply --auto-approve` (with `checkInPass`) or as an apply the
    /// operator approved after reading the plan (without).
    @discardableResult
    func apply(checkInPass: Bool = true, progress: (any MailProgress)? = nil) async throws -> (plan: ExecutionPlan, report: ApplyReport) {
        let engine = try engine()
        let plan = try await engine.plan(checkInPass: checkInPass)
        return (plan, await engine.apply(plan, parallelism: parallelism, mailProgress: progress))
    }

    /// What `mailmig verify` reports (`--backup`: of the backup).
    func verify(deep: Bool = false, backup: Bool = false) async throws -> VerificationReport {
        let workspace = try workspace()
        return try await Verifier(context: workspace.mail, store: try workspace.openState(), deep: deep, backup: backup).run()
    }

    /// What `mailmig verify` reports, recorded in the state as the command records it.
    @discardableResult
    func verifyAndRecord(deep: Bool = false) async throws -> VerificationReport {
        let workspace = try workspace()
        let verifier = Verifier(context: workspace.mail, store: try workspace.openState(), deep: deep)
        let report = try await verifier.run()
        try verifier.record(report)
        return report
    }

    /// Deletes the state folder, as an operator removing `.mailmig/` does.
    func loseState() throws {
        try FileManager.default.removeItem(at: stateFolder)
    }

    /// The state, opened as the engine opens it.
    func state() throws -> StateStore { try SQLiteStateStore.open(folder: stateFolder) }

    /// What the state records about alice's mailbox.
    func record() throws -> MailboxRecord? {
        try state().resource(MailboxRecord.address(Self.alice)).map { try $0.decode(MailboxRecord.self) }
    }

    /// Alice's ledger rows and pending rows.
    func ledger() throws -> (rows: [LedgerEntry], pending: [LedgerEntry]) {
        let store = try state()
        return (try store.ledger(mailbox: Self.alice), try store.pendingCopies(mailbox: Self.alice))
    }

    /// The bodies of a folder of alice's, counted (a body twice is a duplicate).
    static func bodies(_ messages: [FakeMessage]) -> [[UInt8]: Int] {
        messages.reduce(into: [:]) { $0[$1.body, default: 0] += 1 }
    }

    /// Whether the target folder holds every message of the source folder exactly once, nothing else,
    /// each with the source's flags (`\Recent` aside) and internal date.
    func targetMatchesSource(_ sourcePath: String, _ targetPath: String) -> Bool {
        let sent = source.messages(in: sourcePath, of: Self.alice)
        let arrived = target.messages(in: targetPath, of: Self.alice)
        guard Self.bodies(sent) == Self.bodies(arrived), arrived.count == sent.count else { return false }
        let byBody = Dictionary(arrived.map { ($0.body, $0) }, uniquingKeysWith: { first, _ in first })
        return sent.allSatisfy { message in
            guard let copy = byBody[message.body] else { return false }
            return copy.flags == message.flags.filter { $0 != "\\Recent" } && copy.internalDate == message.internalDate
        }
    }
}
