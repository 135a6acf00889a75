import Foundation
import MailMigCore
import MailMigPlanFile
import Testing
@testable import MailMigCLI

/// The composition root: the adapters a build registers, and the workspace a command builds from a plan file.
@Suite("CLI: composition root")
struct CompositionRootTests {
    /// The repository's demo plan (IMAP on both sides, one RFC 2136 provider named `local`).
    static var demoPlan: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("plans/demo.yaml").path
    }

    @Test("the standard registry knows the IMAP, Maildir and POP3 stores and the RFC 2136, PowerDNS and manual providers")
    func standardKinds() {
        #expect(AdapterRegistry.standard.mail.kinds == ["imap", "maildir", "pop3"])
        #expect(AdapterRegistry.standard.dns.kinds == ["manual", "powerdns", "rfc2136"])
    }

    @Test("a workspace from the demo plan has a provider per declared name, real stores on both sides, and the plan's checksum")
    func workspaceFromPlanFile() throws {
        let workspace = try WorkspaceLoader.loadWorkspace(path: Self.demoPlan, palette: Palette(enabled: false), printWarnings: false)
        #expect(Set(workspace.dnsProviders.keys) == ["local"])
        #expect(workspace.dnsProviders["local"]?.name == "local")
        #expect(workspace.mail.source.side == .source && workspace.mail.target.side == .target)
        #expect(workspace.mail.source.server == "127.0.0.1")
        // The checksum is of the bytes parsed: the same file read again gives the same digest.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.demoPlan))
        #expect(workspace.planSHA256 == SavedPlan.digest(Array(bytes)))
        #expect(workspace.stateBackend.location.hasSuffix("/plans/.mailmig"))
    }

    @Test("a registry without the plan's kinds gives no provider, and mail steps fail with one sentence")
    func emptyRegistry() async throws {
        let loaded = PlanLoader.load(path: Self.demoPlan, dnsKinds: AdapterRegistry.standard.dns)
        let plan = try #require(loaded.plan)
        let workspace = Workspace(plan: plan, planPath: Self.demoPlan, planBytes: loaded.bytes,
                                  stateBackend: try AdapterRegistry.stateBackend(for: plan, at: Self.demoPlan), adapters: AdapterRegistry())
        #expect(workspace.dnsProviders.isEmpty)
        let mailbox = try #require(plan.mailboxes.first)
        await #expect(throws: MailError.self) { try await workspace.mail.source.withSession(for: mailbox) { _ in 0 } }
    }
}
