import Foundation
import MailMigCore
import Testing

/// A target mailbox that does not exist: created through `target.provision.create`, or held back without it.
///
/// Without `provision.check`, mailmig finds out whether the target mailbox exists by logging in to it;
/// with it, by running the check command (here `dovecot.sh has-user`).
@Suite("Mail migration: provisioning", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailProvisioningTests {
    /// A source user with a few messages and the name of a target user that does not exist yet.
    struct Setup {
        let sourceUser: String
        let targetUser: String
        let corpus: URL
        var workspace: MailPlanWorkspace

        init(_ base: String) throws {
            sourceUser = MailTestServers.uniqueUser(base)
            targetUser = "\(sourceUser)-new"
            try MailTestServers.addUser(sourceUser, on: .source)
            corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "25", "--seed", "17", "--attachments", "0"])
            try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: sourceUser)
            workspace = try MailPlanWorkspace(mailboxes: [.init(source: sourceUser, target: targetUser)])
        }

        var address: String { "mailbox.\(sourceUser)@acme.test" }

        /// Sets `target.provision` (create with dovecot.sh add-user; check with has-user when asked) and rewrites the plan.
        mutating func provision(check: Bool) throws {
            let script = try MailTestServers.dovecotScript()
            var yaml = "    create: [\"\(script)\", add-user, target, \"{target_localpart}\", \"\(MailTestServers.userPassword)\"]"
            if check { yaml += "\n    check: [\"\(script)\", has-user, target, \"{target_localpart}\"]" }
            workspace.provision = yaml
            try workspace.write()
        }

        /// Plan shows the provisioning step; apply creates the user and copies everything.
        func expectProvisionedAndCopied(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            let planned = try workspace.plan()
            #expect(planned.contains("+ \(address)/provision"), "\(planned)", sourceLocation: sourceLocation)
            #expect(planned.contains("add-user target \(targetUser)"), sourceLocation: sourceLocation)
            let applied = try workspace.apply()
            #expect(applied.stdout.contains("Applied 2/2"), "\(applied.stdout)", sourceLocation: sourceLocation)
            #expect(try MailTestServers.userExists(targetUser, on: .target), sourceLocation: sourceLocation)
            let expected = MailFolderRules().expected(from: try MailTestServers.snapshot(sourceUser, on: .source))
            let target = try MailTestServers.snapshot(targetUser, on: .target).multisets
            #expect(target == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target))", sourceLocation: sourceLocation)
            let record = try workspace.state().resource(address).map { try $0.decode(MailboxRecord.self) }
            #expect(record?.provisioned == true, sourceLocation: sourceLocation)
            #expect(try workspace.plan().contains("No changes."), sourceLocation: sourceLocation)
        }

        func cleanUp() {
            workspace.remove()
            try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent())
            MailTestServers.removeUsers([sourceUser, targetUser])
        }
    }

    @Test("without target.provision a missing target mailbox is held back with a clear reason, and apply does not succeed")
    func heldBackWithoutProvision() throws {
        let setup = try Setup("prov-none")
        defer { setup.cleanUp() }
        let held = try setup.workspace.plan()
        #expect(held.contains("does not exist, and the plan has no target.provision.create"), "\(held)")
        #expect(!held.contains("\(setup.address)/provision"))
        let refused = try setup.workspace.mailmig(["apply", "--auto-approve"])
        #expect(refused.status != 0, "apply with a held-back mailbox is not a success")
        #expect(try !MailTestServers.userExists(setup.targetUser, on: .target))
    }

    @Test("provision.create alone (existence found by logging in): plan shows + mailbox…/provision, apply creates it and copies")
    func provisionedAfterLoginProbe() throws {
        var setup = try Setup("prov-login")
        defer { setup.cleanUp() }
        try setup.provision(check: false)
        try setup.expectProvisionedAndCopied()
    }

    @Test("provision.check and provision.create: plan shows + mailbox…/provision, apply creates it and copies")
    func provisionedAfterCheck() throws {
        var setup = try Setup("prov-check")
        defer { setup.cleanUp() }
        try setup.provision(check: true)
        try setup.expectProvisionedAndCopied()
    }
}
