import Foundation
import Testing

/// `batches[].error_budget` through the command line, against a private Dovecot pair whose failing
/// mailboxes are target users over their quota: the batch goes on until the budget is spent, then
/// starts no new mailbox, and `apply` exits 3 naming the batch.
@Suite("Faults: error budgets of a batch", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct ErrorBudgetTests {
    @Test("6 mailboxes, the 1st, 3rd and 5th over quota: budget 1 stops at the 3rd (exit 3), budget 5 copies every other one (exit 1)")
    func budgetThroughTheCommandLine() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        let corpus = try ServerFaultTests.loaded(servers, "eb-src1", messages: 40, seed: 41)
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        var pairs: [(String, String)] = [("eb-src1", "eb-tgt1")]
        for index in 2...6 {
            try servers.addUser("eb-src\(index)", on: .source)
            try servers.load(corpus.appendingPathComponent("mbox01"), into: "eb-src\(index)")
            pairs.append(("eb-src\(index)", "eb-tgt\(index)"))
        }
        let full: Set = [1, 3, 5]
        for index in 1...6 {
            try servers.addUser("eb-tgt\(index)", on: .target, quota: full.contains(index) ? "100K" : nil)
        }
        let ca = servers.certificate("ca.crt")
        var plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca), mailboxes: pairs,
                                 extra: "batches:\n  - { name: wave-1, select: rest, stage: sync, error_budget: 1 }\n")
        defer { plan.remove() }
        let spent = try plan.mailmig(["apply", "--auto-approve", "--parallelism", "1"])
        #expect(spent.status == 3, "apply with a spent budget exited \(spent.status):\n\(spent.text)")
        #expect(spent.stdout.contains("the error budget of batch 'wave-1' is spent: 2 mailboxes failed, error_budget: 1"), "\(spent.stdout)")
        #expect(spent.stdout.contains("Applied 1/6: ✓ 1 done, ✗ 2 failed, ○ 3 not started"), "\(spent.stdout)")
        for index in 4...6 {
            #expect(spent.stdout.contains("○ mailbox.eb-src\(index)@acme.test: not started"), "eb-src\(index) started:\n\(spent.stdout)")
            #expect(try servers.snapshot("eb-tgt\(index)", on: .target).count == 0, "eb-tgt\(index) received mail")
        }

        // The same plan with a larger budget: the next apply resumes and copies every mailbox that can be copied.
        plan.extra = "batches:\n  - { name: wave-1, select: rest, stage: sync, error_budget: 5 }\n"
        try plan.write()
        let going = try plan.mailmig(["apply", "--auto-approve", "--parallelism", "1"])
        #expect(going.status == 1, "apply within its budget exited \(going.status):\n\(going.text)")
        #expect(!going.stdout.contains("error budget"), "\(going.stdout)")
        for index in [2, 4, 6] {
            let source = try servers.snapshot("eb-src\(index)", on: .source)
            let target = try servers.snapshot("eb-tgt\(index)", on: .target)
            #expect(target.multisets == MailFolderRules().expected(from: source), "eb-tgt\(index) is not its source's copy")
        }
    }
}
