import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// A failing mailbox is charged to its batch's `error_budget`: the batch goes on until the budget is
/// spent, then starts nothing new, while the other batches go on.
@Suite("Engine: error budgets and the limit of skipped messages")
struct ErrorBudgetEngineTests {
    /// `box01@acme.test` … `box19@acme.test`: with alice, a batch of 20.
    static let others = (1...19).map { String(format: "box%02d@acme.test", $0) }
    /// The 3rd, 7th and 12th mailbox of the batch, in plan order.
    static let broken: Set<String> = [others[1], others[5], others[10]]

    /// A harness of 20 mailboxes with two messages each.
    static func harness(batches: String) throws -> MailHarness {
        let harness = try MailHarness(extra: batches)
        harness.others = others
        for address in [MailHarness.alice] + others {
            harness.source.seed(SampleMessages.make(2, tag: address), into: "INBOX", of: address)
        }
        return harness
    }

    /// Plans with every mailbox healthy, breaks three on the source, then applies one step at a time.
    static func applyWithBrokenMailboxes(_ harness: MailHarness) async throws -> (ExecutionPlan, ApplyReport) {
        let engine = try harness.engine()
        let plan = try await engine.plan()
        harness.source.faults.brokenMailboxes = broken
        return (plan, await engine.apply(plan, parallelism: 1))
    }

    static func failedMailboxes(_ report: ApplyReport) -> Set<String> {
        Set(report.failed.compactMap { $0.step.work.mailbox })
    }

    @Test("a batch of 20 with 3 broken mailboxes and error_budget: 5 copies the other 17 and reports the 3")
    func budgetNotSpent() async throws {
        let harness = try Self.harness(batches: "batches:\n  - { name: wave, select: rest, stage: sync, error_budget: 5 }")
        let (plan, report) = try await Self.applyWithBrokenMailboxes(harness)
        #expect(plan.steps.count == 20)
        #expect(report.done.count == 17)
        #expect(Self.failedMailboxes(report) == Self.broken)
        #expect(report.notStarted.isEmpty)
        #expect(report.exhaustedBudgets.isEmpty)
        for address in [MailHarness.alice] + Self.others where !Self.broken.contains(address) {
            #expect(harness.target.messages(in: "INBOX", of: address).count == 2, "\(address) copied")
        }
        guard case .failed(let message)? = report.failed.first?.outcome else {
            Issue.record("no failure recorded")
            return
        }
        #expect(message.contains("SERVERBUG") && message.contains(Self.others[1]), "the server's answer and the mailbox: \(message)")
        let record = try harness.state().resource(MailboxRecord.address(Self.others[1])).map { try $0.decode(MailboxRecord.self) }
        #expect(record?.lastError?.contains("SERVERBUG") == true, "the failure is recorded on the mailbox")
    }

    @Test("error_budget: 2 stops the batch at its third failure: what ran before is copied, the rest is not started")
    func budgetSpent() async throws {
        let harness = try Self.harness(batches: "batches:\n  - { name: wave, select: rest, stage: sync, error_budget: 2 }")
        let (_, report) = try await Self.applyWithBrokenMailboxes(harness)
        // Plan order: alice, box01 … box19; the third broken one is the 12th mailbox.
        #expect(report.done.count == 9)
        #expect(report.failed.count == 3)
        #expect(report.notStarted.count == 8)
        let spent = try #require(report.exhaustedBudgets.first)
        #expect(report.exhaustedBudgets.count == 1)
        #expect(spent.batch == "wave" && spent.allowed == 2 && spent.failedMailboxes == Self.broken.sorted())
        #expect(report.summaryLine.contains("the error budget of batch 'wave' is spent: 3 mailboxes failed, error_budget: 2"))
        for address in Self.others.suffix(8) {
            #expect(harness.target.messages(in: "INBOX", of: address).isEmpty, "\(address) not started")
        }

        // The next apply resumes: the mailboxes not started are copied, the broken ones fail again.
        harness.source.faults.brokenMailboxes = []
        // As an apply approved after reading its plan: only what is left is planned.
        let (_, again) = try await harness.apply(checkInPass: false)
        #expect(again.succeeded)
        #expect(again.done.count == 11)
    }

    @Test("a percentage is taken of the batch's mailboxes: 10% of 20 allows 2")
    func percentageBudget() async throws {
        let harness = try Self.harness(batches: "batches:\n  - { name: wave, select: rest, stage: sync, error_budget: 10% }")
        let (_, report) = try await Self.applyWithBrokenMailboxes(harness)
        #expect(report.failed.count == 3 && report.notStarted.count == 8)
        #expect(report.exhaustedBudgets.first?.description == "the error budget of batch 'wave' is spent: 3 mailboxes failed, error_budget: 10% allows 2")
    }

    @Test("a spent budget stops only its batch: the other batch copies every mailbox")
    func otherBatchesGoOn() async throws {
        let first = [MailHarness.alice] + Self.others.prefix(9)
        let batches = """
            batches:
              - { name: early, mailboxes: [\(first.joined(separator: ", "))], stage: sync, error_budget: 0 }
              - { name: late, select: rest, stage: sync }
            """
        let harness = try Self.harness(batches: batches)
        let (_, report) = try await Self.applyWithBrokenMailboxes(harness)
        // early: alice, box01, box02 (broken: spends the budget of 0), then nothing; late: box10 … box19, box11 broken.
        #expect(report.exhaustedBudgets.map(\.batch) == ["early"])
        #expect(Self.failedMailboxes(report) == [Self.others[1], Self.others[10]])
        #expect(report.notStarted.count == 7)
        for address in Self.others.suffix(10) where address != Self.others[10] {
            #expect(harness.target.messages(in: "INBOX", of: address).count == 2, "\(address) of the other batch copied")
        }
    }

    @Test("without error_budget a batch never stops for its failures")
    func noBudget() async throws {
        let harness = try Self.harness(batches: "")
        let (_, report) = try await Self.applyWithBrokenMailboxes(harness)
        #expect(report.done.count == 17 && report.failed.count == 3 && report.notStarted.isEmpty)
        #expect(report.exhaustedBudgets.isEmpty)
    }

    @Test("max_skipped: a mailbox with more skipped messages than allowed fails and is charged; what it copied stays")
    func skipLimit() async throws {
        let alice = MailHarness.alice
        let harness = try MailHarness(extra: "batches:\n  - { name: wave, select: rest, stage: sync, max_skipped: 1 }")
        var messages = SampleMessages.make(3)
        messages.append(SampleMessages.message(id: "large-1", bodyBytes: 6_000))
        messages.append(SampleMessages.message(id: "large-2", bodyBytes: 7_000))
        harness.source.seed(messages, into: "INBOX", of: alice)
        harness.target.faults.refuseLargerThan = 5_000

        let report = try await harness.apply().report
        guard case .failed(let message)? = report.failed.first?.outcome else {
            Issue.record("the pass did not fail")
            return
        }
        #expect(message == "alice@acme.test: 2 messages are skipped, more than max_skipped: 1 of batch 'wave' allows; mailmig status lists them with the reason")
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 3, "the small messages stay copied")
        let record = try #require(try harness.record())
        #expect(record.reached == nil, "the mailbox did not reach the stage")
        #expect(record.lastError == message)

        let appends = harness.target.counters.appendCalls
        let second = try await harness.apply().report
        #expect(second.failed.count == 1, "it fails again until the limit is raised")
        #expect(harness.target.counters.appendCalls == appends, "and copies nothing twice")

        harness.extra = "batches:\n  - { name: wave, select: rest, stage: sync, max_skipped: 2 }"
        let third = try await harness.apply().report
        #expect(third.succeeded)
        #expect(try harness.record()?.reached == .sync)
    }

    @Test("error budgets read and save as the plan wrote them")
    func budgetValues() throws {
        #expect(ErrorBudget(text: "10%") == .percent(10))
        #expect(ErrorBudget(text: "3") == .mailboxes(3))
        #expect(ErrorBudget(text: "101%") == nil)
        #expect(ErrorBudget(text: "-1") == nil)
        #expect(ErrorBudget.percent(10).allowedFailures(members: 25) == 2)
        #expect(ErrorBudget.percent(100).allowedFailures(members: 7) == 7)
        let encoded = try JSONEncoder().encode([ErrorBudget.mailboxes(2), .percent(15)])
        #expect(String(decoding: encoded, as: UTF8.self) == #"[2,"15%"]"#)
        #expect(try JSONDecoder().decode([ErrorBudget].self, from: encoded) == [.mailboxes(2), .percent(15)])
    }
}
