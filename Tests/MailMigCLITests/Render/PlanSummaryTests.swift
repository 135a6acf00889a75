@testable import MailMigCLI
@testable import MailMigCore
import Testing

/// The plan's last line names what its mailbox passes do, by stage.
@Suite("Plan summary line")
struct PlanSummaryTests {
    static func plan(_ stages: [Stage]) -> ExecutionPlan {
        let steps = stages.enumerated().map { index, stage in
            PlannedStep(id: "mail:u\(index)@acme.test", address: "mailbox.u\(index)@acme.test", action: .copy, reason: stage.rawValue,
                        work: .mailbox(MailboxWork(source: "u\(index)@acme.test", target: "u\(index)@acme.test", batch: "all",
                                                   settings: MailPassSettings(stage: stage, cutoff: nil, maxMessageSize: nil,
                                                                              folders: FolderRules(automap: true, map: [:], exclude: [])),
                                                   estimate: nil)),
                        dependsOn: [])
        }
        return ExecutionPlan(steps: steps, drift: [], blocked: [], warnings: [])
    }

    @Test("passes of one stage are counted under its name", arguments: [
        ([Stage.presync, .presync], "2 mailboxes to presync"),
        ([Stage.sync], "1 mailbox to sync"),
        ([Stage.prepare], "1 mailbox to prepare"),
        ([Stage.final, .final, .final], "3 mailboxes for the final pass"),
    ])
    func oneStage(stages: [Stage], expected: String) {
        #expect(PlanRenderer.summary(Self.plan(stages)) == "Plan: 0 to add, 0 to change, 0 to destroy; \(expected).")
    }

    @Test("passes of several stages are counted per stage, in stage order")
    func severalStages() {
        #expect(PlanRenderer.summary(Self.plan([.sync, .presync, .sync])) == "Plan: 0 to add, 0 to change, 0 to destroy; 3 mailbox passes (1 presync, 2 sync).")
    }
}
