import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// `target.provision.check` and `create` as real commands: an answer (exit status) decides; a command
/// that gives no answer holds back its mailbox with a clear error and never creates anything.
@Suite("Mail planning: provisioning commands")
struct MailProvisionCheckTests {
    /// A check that says alice exists and prints why anyone else does not, on its standard error.
    static let answering = #"[sh, -c, "test {target_localpart} = alice && exit 0; echo 'lookup failed' >&2; echo 'user {target} does not exist' >&2; exit 67"]"#

    static func provision(check: String, create: String = "[/bin/true]") -> String {
        "  provision:\n    check: \(check)\n    create: \(create)\n"
    }

    @Test("exit status 0 means it exists; another exit status means missing, and the step quotes the check's last line")
    func answeredByExitStatus() async throws {
        let harness = try MailHarness()
        harness.others = ["bob@acme.test"]
        harness.targetExtra = Self.provision(check: Self.answering)
        let plan = try await harness.plan()
        #expect(plan.steps.map(\.address).sorted() == ["mailbox.alice@acme.test", "mailbox.bob@acme.test", "mailbox.bob@acme.test/provision"])
        let step = try #require(plan.steps.first { $0.address == "mailbox.bob@acme.test/provision" })
        #expect(step.reason.hasSuffix("exited with 67: user bob@acme.test does not exist"), "\(step.reason)")
        #expect(plan.blocked.isEmpty, "\(plan.blocked)")
    }

    @Test("a check that cannot be started or is stopped holds back each mailbox with an error naming it; nothing is created",
          arguments: [
              ("[./no-such-check.sh, \"{target}\"]", "there is no such file"),
              ("[no-such-program-mailmig, \"{target}\"]", "it is not on the PATH"),
              ("[./plain-file.sh]", "the file is not executable"),
              ("[./bad-interpreter.sh]", "names the interpreter /no/such/sh, which is missing"),
              (#"[sh, -c, "kill -9 $$"]"#, "was stopped after 120 s or by a signal"),
          ])
    func noAnswer(check: String, reason: String) async throws {
        let harness = try MailHarness()
        let script = "#!/no/such/sh\nexit 0\n"
        for (name, mode) in [("plain-file.sh", 0o644), ("bad-interpreter.sh", 0o755)] {
            let file = harness.folder.appendingPathComponent(name)
            try Data(script.utf8).write(to: file)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
        }
        harness.others = ["bob@acme.test"]
        harness.targetExtra = Self.provision(check: check)
        let plan = try await harness.plan()
        #expect(plan.steps.isEmpty, "\(plan.steps.map(\.address))")
        #expect(plan.blocked.count == 2)
        for item in plan.blocked {
            #expect(item.isError == true)
            #expect(item.reason.contains("target.provision.check"), "\(item.reason)")
            #expect(item.reason.contains(reason), "\(item.reason)")
        }
    }

    @Test("a create command that cannot be started fails its step with one sentence naming it; the mailbox's pass does not run")
    func createCannotStart() async throws {
        let harness = try MailHarness()
        harness.targetExtra = Self.provision(check: "[/bin/false]", create: "[./scripts/create-user.sh, \"{target}\"]")
        let (plan, report) = try await harness.apply()
        #expect(plan.steps.count == 2)
        let failed = report.entries.compactMap { entry -> String? in
            if case .failed(let text) = entry.outcome { return text }
            return nil
        }
        #expect(failed.count == 1, "\(report.entries)")
        let text = try #require(failed.first)
        #expect(text.contains("target.provision.create"), "\(text)")
        #expect(text.contains("`./scripts/create-user.sh` cannot be started: there is no such file"), "\(text)")
        #expect(!text.contains("NSCocoaErrorDomain"), "\(text)")
        #expect(harness.target.messages(in: "INBOX", of: MailHarness.alice).isEmpty)
    }
}
