import Foundation
import Testing
@testable import MailMigCore

/// `mailmig rollback`: back to the serial before the last apply, or to any serial.
@Suite("Rollback")
struct RollbackEngineTests {
    typealias F = EngineFixtures

    @Test("with no apply yet there is nothing to roll back")
    func nothingYet() throws {
        let harness = try EngineHarness()
        #expect(try harness.engine().serialBeforeLastApply() == nil)
    }

    @Test("rolling back the first apply restores the records from before mailmig and forgets them")
    func firstApply() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        let engine = try harness.engine()
        #expect(try engine.serialBeforeLastApply() == 0)
        let plan = try await engine.rollbackPlan(toSerial: 0)
        #expect(plan.steps.map(\.address).sorted() == [F.cname.address, F.mx.address, F.txt.address].sorted())
        #expect(plan.steps.allSatisfy { $0.reason == "roll back to serial 0: restore the records from before mailmig and forget them" })
        #expect(plan.warnings.isEmpty)
        #expect(await engine.apply(plan, operation: "rollback").succeeded)
        for (key, original) in F.originalRecords {
            #expect(await harness.zone.get(key) == original)
            #expect(try harness.recorded(key) == nil)
        }
        #expect(try await harness.engine().plan().steps.count == 3)
    }

    @Test("rolling back a cutover returns to the lowered source records and warns while the plan says target")
    func cutover() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        harness.clock.advance(3600)
        try await harness.apply(F.plan(route: "target"))
        let engine = try harness.engine(F.plan(route: "target"))
        #expect(try engine.serialBeforeLastApply() == 3)
        let plan = try await engine.rollbackPlan(toSerial: 3)
        #expect(plan.steps.count == 3)
        #expect(plan.warnings == ["the plan file still says route: target; set route: source, or the next apply cuts over again"])
        #expect(await engine.apply(plan, operation: "rollback").succeeded)
        #expect(await harness.zone.get(F.mx) == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(await harness.zone.get(F.txt) == RRsetSnapshot(ttl: 300, values: [F.oldSPF, F.otherTXT, F.verifyTXT]))
        #expect(try harness.recorded(F.mx)?.phase == .source)
        #expect(try await harness.engine(F.plan(route: "source")).plan() == .empty)
    }

    @Test("an apply that was killed after changing the state is what rollback undoes")
    func interruptedApply() async throws {
        let harness = try EngineHarness()
        let engine = try harness.engine()
        let plan = try await engine.plan()
        // A process that did the first step and was killed during the second.
        try engine.store.beginApply(id: "killed", operation: "apply")
        for (index, step) in plan.steps.prefix(2).enumerated() {
            guard let change = step.work.dnsChange else { continue }
            try engine.store.journalPending(applyID: "killed", stepID: step.id, address: step.address, step: StateCoding.encoder.encode(step))
            await harness.zone.set(change.key, change.desired)
            if index == 0 {
                try engine.store.journalDone(applyID: "killed", stepID: step.id,
                                             changes: [DNSRecordState.recording(change, previous: nil, at: F.start)])
            }
        }
        #expect(try await engine.recover().count == 1)
        #expect(try engine.store.meta().serial == 2)
        #expect(try engine.store.applies().first?.status == "interrupted")
        #expect(try engine.serialBeforeLastApply() == 0)
    }
}
