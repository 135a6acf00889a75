import Foundation
@testable import MailMigCore
import MailMigPlanFile
import MailMigPOP3Store
import MailMigStateSQLite
import TestSupport

/// A temporary plan folder whose source is the scripted POP3 server, read through the real
/// `POP3MailStore`, and whose target is TestSupport's in-memory IMAP-like store: plan, apply and
/// verify as the command line runs them.
final class EngineHarness: @unchecked Sendable {
    let folder: URL
    let server: ScriptedPOP3Server
    let target: FakeMailStore
    /// Extra lines under `source:` (`pop3_folder: …`).
    let sourceExtra: String

    init(server: ScriptedPOP3Server, sourceExtra: String = "") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-pop3-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.server = server
        self.sourceExtra = sourceExtra
        target = FakeMailStore(side: .target)
        target.addMailbox(StoreFixture.alice)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var planText: String {
        """
        mailmig: 1
        name: pop3-engine-test
        source:
          pop3: { host: 127.0.0.1, port: \(server.port), tls: none }
          login: { style: per-mailbox, password: env:POP3_TEST_PASSWORD }
          \(sourceExtra)
        target:
          imap: { host: imap.newmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:MAIL_TEST_PASSWORD }, style: master-user }
        mailboxes:
          - \(StoreFixture.alice)
        """
    }

    /// The workspace: the POP3 kind registered as the composition root registers it, the fake as `imap`.
    func workspace() throws -> Workspace {
        let text = planText
        let path = folder.appendingPathComponent("mailmig.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = PlanLoader.load(text: text, file: path, baseDirectory: folder, dnsKinds: DNSProviderRegistry())
        guard let plan = result.plan else {
            throw ScriptedPOP3Server.ServerError(description: result.diagnostics.map { "\($0.location): \($0.message)" }.joined(separator: "\n"))
        }
        var mail = MailStoreRegistry()
        POP3MailStore.register(in: &mail)
        let target = self.target
        mail.register("imap") { side, _, _ in side == .target ? target : nil }
        return Workspace(plan: plan, planPath: path, planBytes: Array(text.utf8), stateBackend: SQLiteStateBackend(folder: stateFolder),
                         adapters: AdapterRegistry(mail: mail), dnsProviders: [:],
                         environment: ["POP3_TEST_PASSWORD": StoreFixture.password, "MAIL_TEST_PASSWORD": "unused"])
    }

    var stateFolder: URL { folder.appendingPathComponent(".mailmig") }

    /// What `mailmig plan` shows.
    func plan() async throws -> ExecutionPlan {
        let workspace = try workspace()
        return try await Engine(workspace: workspace, store: try workspace.openState()).plan()
    }

    /// Plans and applies, as `mailmig apply --auto-approve`.
    @discardableResult
    func apply() async throws -> (plan: ExecutionPlan, report: ApplyReport) {
        let workspace = try workspace()
        let engine = Engine(workspace: workspace, store: try workspace.openState())
        let plan = try await engine.plan()
        return (plan, await engine.apply(plan, parallelism: 1))
    }

    /// What `mailmig verify` reports.
    func verify(deep: Bool = false) async throws -> VerificationReport {
        let workspace = try workspace()
        return try await Verifier(context: workspace.mail, store: try workspace.openState(), deep: deep).run()
    }

    /// Alice's ledger rows.
    func ledger() throws -> [LedgerEntry] {
        try SQLiteStateStore.open(folder: stateFolder).ledger(mailbox: StoreFixture.alice)
    }
}
