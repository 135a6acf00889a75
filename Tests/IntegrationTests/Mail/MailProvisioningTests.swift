import Foundation
import MailMigCore
import Testing

/// A target mailbox that does not exist: created through `target.provision.create`, or held back without it.
///
/// Without `provision.check`, mailmig finds out whether the target mailbox exists by logging in to it,
/// which counts as "missing" only when another login of the plan succeeded (here the witness's, a
/// mailbox on both sides); with it, by running the check command (here `dovecot.sh has-user`).
@Suite("Mail migration: provisioning", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailProvisioningTests {
    /// A source user with a few messages and the name of a target user that does not exist yet.
    struct Setup {
        let sourceUser: String
        let targetUser: String
        /// An empty mailbox on both sides whose login proves the admin's credentials; nil: none.
        let witness: String?
        let corpus: URL
        var workspace: MailPlanWorkspace

        init(_ base: String, witness withWitness: Bool = true) throws {
            sourceUser = MailTestServers.uniqueUser(base)
            targetUser = "\(sourceUser)-new"
            witness = withWitness ? "\(sourceUser)-w" : nil
            try MailTestServers.addUser(sourceUser, on: .source)
            if let witness {
                try MailTestServers.addUser(witness, on: .source)
                try MailTestServers.addUser(witness, on: .target)
            }
            corpus = try MailTestServers.generate(["--mailboxes", "1", "--messages", "25", "--seed", "17", "--attachments", "0"])
            try MailTestServers.load(corpus.appendingPathComponent("mbox01"), into: sourceUser)
            workspace = try MailPlanWorkspace(mailboxes: [.init(source: sourceUser, target: targetUser)] + (witness.map { [.init(source: $0, target: $0)] } ?? []))
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
            let steps = witness == nil ? 2 : 3
            #expect(applied.stdout.contains("Applied \(steps)/\(steps)"), "\(applied.stdout)", sourceLocation: sourceLocation)
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
            MailTestServers.removeUsers([sourceUser, targetUser] + (witness.map { [$0] } ?? []))
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

    @Test("provision.create without a check, when every login is refused (no mailbox proves the admin's credentials): nothing is created, the mailbox is held back")
    func noLoginProvesTheCredentials() throws {
        var setup = try Setup("prov-unproven", witness: false)
        defer { setup.cleanUp() }
        try setup.provision(check: false)
        let planned = try setup.workspace.mailmig(["plan"])
        #expect(planned.status == 1, "a plan held back by errors exits 1")
        #expect(!(planned.stdout + planned.stderr).contains("\(setup.address)/provision"), "\((planned.stdout + planned.stderr))")
        #expect((planned.stdout + planned.stderr).contains("cannot be told from wrong admin credentials"), "\((planned.stdout + planned.stderr))")
        _ = try? setup.workspace.mailmig(["apply", "--auto-approve"])
        #expect(try !MailTestServers.userExists(setup.targetUser, on: .target))
    }

    @Test("provision.check and provision.create: plan shows + mailbox…/provision, apply creates it and copies")
    func provisionedAfterCheck() throws {
        var setup = try Setup("prov-check")
        defer { setup.cleanUp() }
        try setup.provision(check: true)
        try setup.expectProvisionedAndCopied()
    }
}
