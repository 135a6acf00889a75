import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// Whether a target mailbox exists, found by logging in to it: a refused login means "missing" only
/// once another login of the plan proved the admin's credentials.
@Suite("Mail planning: target mailboxes found missing by a refused login")
struct MailProvisionProbeTests {
    static let create = "  provision:\n    create: [/bin/true, \"{target_localpart}\"]\n"

    @Test("with one login that succeeded, a refused one is a missing mailbox: provisioned before its pass")
    func provenByAnotherLogin() async throws {
        let harness = try MailHarness()
        harness.targetExtra = Self.create
        harness.others = ["bob@acme.test"]
        harness.target.removeMailbox("bob@acme.test")
        let plan = try await harness.plan()
        #expect(plan.steps.map(\.address).sorted() == ["mailbox.alice@acme.test", "mailbox.bob@acme.test", "mailbox.bob@acme.test/provision"])
        let provision = plan.steps.first { $0.address.hasSuffix("/provision") }
        #expect(provision?.reason == "create the target mailbox bob@acme.test: the target refused its login and accepted other logins of this plan")
        #expect(plan.blocked.isEmpty, "\(plan.blocked)")
    }

    @Test("when every login is refused (a wrong admin password looks the same), nothing is created: each mailbox is held back with an error",
          arguments: [1, 3])
    func noLoginSucceeded(mailboxes: Int) async throws {
        let harness = try MailHarness()
        harness.targetExtra = Self.create
        harness.others = Array(["bob@acme.test", "carol@acme.test"].prefix(mailboxes - 1))
        for address in [MailHarness.alice] + harness.others { harness.target.removeMailbox(address) }
        let plan = try await harness.plan()
        #expect(plan.steps.isEmpty, "\(plan.steps.map(\.address))")
        #expect(plan.blocked.count == mailboxes)
        #expect(plan.blocked.allSatisfy { $0.isError == true && $0.reason.contains("cannot be told from wrong admin credentials") }, "\(plan.blocked)")
        #expect(plan.blocked.allSatisfy { $0.reason.contains("target.provision.check") })
    }

    @Test("without provision.create, a mailbox refused when no login succeeded is held back for the credentials, not as missing")
    func noCreateNoProof() async throws {
        let harness = try MailHarness()
        harness.target.removeMailbox(MailHarness.alice)
        let plan = try await harness.plan()
        #expect(plan.blocked.count == 1)
        #expect(plan.blocked.first?.reason.contains("the only target login this plan tried was refused") == true, "\(plan.blocked)")
        #expect(plan.blocked.first?.reason.contains("does not exist") == false)
    }
}
