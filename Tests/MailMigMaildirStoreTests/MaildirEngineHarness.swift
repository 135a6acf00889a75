import Foundation
import MailMigCore
import MailMigPlanFile
import MailMigStateSQLite

/// The real engine between two stores, with a plan folder and SQLite state of its own: plan, apply and
/// verify as the command line runs them, over whatever stores the test gives for the plan's two sides.
final class MaildirEngineHarness: @unchecked Sendable {
    /// The plan folder; removed when the harness goes.
    let folder: URL
    let source: any MailStore
    let target: any MailStore

    init(source: any MailStore, target: any MailStore) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-maildir-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.source = source
        self.target = target
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// A plan with one mailbox; both sides read as `imap` settings, served by the test's stores.
    static let planText = """
        mailmig: 1
        name: maildir-engine-test
        source:
          imap: { host: imap.oldmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:MAIL_TEST_PASSWORD }, style: master-user }
        target:
          imap: { host: imap.newmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:MAIL_TEST_PASSWORD }, style: master-user }
        mailboxes:
          - alice@acme.test
        """

    /// The workspace with the stores registered under the plan's `imap` key.
    func workspace() throws -> Workspace {
        let path = folder.appendingPathComponent("mailmig.yaml").path
        try Self.planText.write(toFile: path, atomically: true, encoding: .utf8)
        let result = PlanLoader.load(text: Self.planText, file: path, baseDirectory: folder, dnsKinds: DNSProviderRegistry())
        guard let plan = result.plan else { throw MailStoreError(.failed, result.diagnostics.map(\.message).joined(separator: "; ")) }
        var mail = MailStoreRegistry()
        let (source, target) = (self.source, self.target)
        mail.register("imap") { side, _, _ in side == .source ? source : target }
        return Workspace(plan: plan, planPath: path, planBytes: Array(Self.planText.utf8),
                         stateBackend: SQLiteStateBackend(folder: folder.appendingPathComponent(".mailmig")),
                         adapters: AdapterRegistry(mail: mail), dnsProviders: [:])
    }

    /// An engine over the workspace and its state.
    func engine() throws -> Engine {
        let workspace = try workspace()
        return Engine(workspace: workspace, store: try workspace.openState())
    }

    /// Plans and applies, as `mailmig apply --auto-approve`.
    func apply() async throws -> (plan: ExecutionPlan, report: ApplyReport) {
        let engine = try engine()
        let plan = try await engine.plan()
        return (plan, await engine.apply(plan, parallelism: 1))
    }

    /// What `mailmig verify --deep` reports.
    func verify() async throws -> VerificationReport {
        let workspace = try workspace()
        return try await Verifier(context: workspace.mail, store: try workspace.openState(), deep: true).run()
    }
}
