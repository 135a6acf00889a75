import Foundation
import Testing
@testable import MailMigCore

/// Settling the steps a killed apply left pending.
@Suite("Recovery")
struct RecoveryEngineTests {
    typealias F = EngineFixtures

    /// Journals the first step of the first apply as pending, as a process killed during it leaves it;
    /// `reached` says whether its write got to the zone first.
    static func crash(_ harness: EngineHarness, reached: Bool) async throws -> (step: PlannedStep, change: DNSChange, applyID: String) {
        let engine = try harness.engine()
        let plan = try await engine.plan()
        let step = plan.steps[0]
        guard let change = step.work.dnsChange else { throw InvalidTestPlan(description: "not a DNS step") }
        try engine.store.beginApply(id: "killed", operation: "apply")
        try engine.store.journalPending(applyID: "killed", stepID: step.id, address: step.address, step: StateCoding.encoder.encode(step))
        if reached { await harness.zone.set(change.key, change.desired) }
        return (step, change, "killed")
    }

    @Test("a pending step whose write reached the server is recorded as done")
    func reached() async throws {
        let harness = try EngineHarness()
        let (step, change, applyID) = try await Self.crash(harness, reached: true)
        harness.clock.advance(10)
        let engine = try harness.engine()
        let notes = try await engine.recover()
        #expect(notes == ["recovered \(step.address): the interrupted change had reached the server; recorded it"])
        #expect(try engine.store.journal(applyID: applyID).map(\.status) == [.done])
        #expect(try engine.store.pendingSteps().isEmpty)
        #expect(try engine.store.applies().first?.status == "interrupted")
        let state = try #require(try harness.recorded(change.key))
        #expect(state.applied == change.desired)
        #expect(state.original == change.original)
        #expect(state.lowered == TTLLowering(ttl: 300, fromTTL: 3600, at: F.start.addingTimeInterval(10)))
        #expect(try engine.store.meta().serial == 1)
        let next = try await engine.plan()
        #expect(next.steps.map(\.address) == [F.mx.address, F.cname.address])
        #expect(next.drift.isEmpty)
    }

    @Test("a pending step whose write did not reach the server is marked failed and planned again")
    func notReached() async throws {
        let harness = try EngineHarness()
        let (step, change, applyID) = try await Self.crash(harness, reached: false)
        let engine = try harness.engine()
        let notes = try await engine.recover()
        #expect(notes == ["recovered \(step.address): the interrupted change had not reached the server"])
        let journal = try engine.store.journal(applyID: applyID)
        #expect(journal.map(\.status) == [.failed])
        #expect(journal.first?.error == "interrupted before the change reached the server")
        #expect(try harness.recorded(change.key) == nil)
        #expect(try engine.store.meta().serial == 0)
        #expect(try await engine.plan().steps.count == 3)
        #expect(try await engine.recover().isEmpty)
    }

    @Test("a pending step whose RRset someone else changed since is marked failed and left to the drift check")
    func changedSince() async throws {
        let harness = try EngineHarness()
        let (step, change, applyID) = try await Self.crash(harness, reached: false)
        await harness.zone.set(change.key, RRsetSnapshot(ttl: 60, values: [F.otherTXT]))
        let engine = try harness.engine()
        #expect(try await engine.recover() == ["recovered \(step.address): interrupted, and the records changed since; see the drift section"])
        #expect(try engine.store.journal(applyID: applyID).first?.error == "interrupted; the records changed since")
        #expect(try harness.recorded(change.key) == nil)
    }
}
