import Foundation
import Testing
@testable import MailMigCore

/// Plans saved with `plan -out` and applied later exactly as reviewed.
@Suite("Saved plans")
struct SavedPlanEngineTests {
    typealias F = EngineFixtures

    /// A saved plan of the first apply, made against the harness's state.
    static func saved(_ harness: EngineHarness, text: String = F.plan()) async throws -> (SavedPlan, Engine) {
        let engine = try harness.engine(text)
        let plan = try await engine.plan()
        let saved = try SavedPlan(operation: "apply", meta: engine.store.meta(), planFile: harness.planPath,
                                  planSHA256: engine.workspace.planSHA256, createdAt: harness.clock.now, plan: plan)
        return (saved, engine)
    }

    /// The error `body` throws, as a `StateError`.
    static func stateError(_ body: () throws -> Void) -> StateError? {
        do {
            try body()
            return nil
        } catch let error as StateError {
            return error
        } catch {
            return nil
        }
    }

    @Test("a saved plan reads back equal, and fits the state it was made against")
    func roundTrip() async throws {
        let harness = try EngineHarness()
        let (saved, engine) = try await Self.saved(harness)
        let data = try saved.encoded()
        let read = try SavedPlan.read(data)
        #expect(read == saved)
        #expect(read.plan.steps.count == 3)
        #expect(read.createdAt == F.start)
        #expect(read.checksum.count == 64)
        #expect(try saved.encoded() == data)
        try read.check(against: engine.store.meta(), planSHA256: engine.workspace.planSHA256)
        #expect(await engine.apply(read.plan).succeeded)
    }

    @Test("a plan with a held-back cutover at a fractional time still passes its checksum")
    func fractionalEarliest() async throws {
        let harness = try EngineHarness()
        harness.clock.advance(0.375)
        let (saved, _) = try await Self.saved(harness, text: F.plan(route: "target"))
        #expect(saved.plan.blocked.first?.earliest == F.start.addingTimeInterval(3600.375))
        let read = try SavedPlan.read(try saved.encoded())
        #expect(read.plan.steps == saved.plan.steps)
        #expect(read.plan.blocked.first?.earliest == F.start.addingTimeInterval(3600))
    }

    @Test("an edited file fails the checksum")
    func edited() async throws {
        let harness = try EngineHarness()
        let (saved, _) = try await Self.saved(harness)
        let text = String(decoding: try saved.encoded(), as: UTF8.self)
        #expect(text.contains("mx.oldmail.test."))
        let edited = Data(text.replacingOccurrences(of: "mx.oldmail.test.", with: "mx.evil.test.").utf8)
        #expect(Self.stateError { _ = try SavedPlan.read(edited) } == .stalePlan("its checksum does not match: the file was edited after it was saved"))
        #expect(Self.stateError { _ = try SavedPlan.read(Data("{\"checksum\": 1}".utf8)) } == .stalePlan("the file is not a mailmig saved plan"))
        #expect(StateError.stalePlan("x").description == "the saved plan cannot be applied: x; run `mailmig plan` again")
    }

    @Test("a plan made for another state is refused")
    func otherLineage() async throws {
        let harness = try EngineHarness()
        let (saved, engine) = try await Self.saved(harness)
        var meta = try engine.store.meta()
        let mine = meta.lineage
        meta.lineage = "11111111-2222-3333-4444-555555555555"
        #expect(Self.stateError { try saved.check(against: meta, planSHA256: engine.workspace.planSHA256) }
            == .stalePlan("it was made for another state (lineage \(mine), this state is 11111111-2222-3333-4444-555555555555)"))
    }

    @Test("a plan made before the state changed is refused")
    func newerSerial() async throws {
        let harness = try EngineHarness()
        let (saved, engine) = try await Self.saved(harness)
        #expect(saved.serial == 0)
        #expect(try await harness.apply().report.succeeded)
        let meta = try engine.store.meta()
        #expect(meta.serial == 3)
        #expect(Self.stateError { try saved.check(against: meta, planSHA256: engine.workspace.planSHA256) }
            == .stalePlan("the state changed since it was made (serial 0, now 3)"))
    }

    @Test("a plan made from another version of the plan file is refused")
    func changedPlanFile() async throws {
        let harness = try EngineHarness()
        let (saved, engine) = try await Self.saved(harness)
        let changed = try harness.workspace(F.plan(route: "target"))
        #expect(changed.planSHA256 != engine.workspace.planSHA256)
        #expect(Self.stateError { try saved.check(against: engine.store.meta(), planSHA256: changed.planSHA256) }
            == .stalePlan("the plan file \(harness.planPath) changed since it was made"))
    }

    @Test("no secret the plan refers to ends up in the saved file")
    func noSecrets() async throws {
        let harness = try EngineHarness()
        let tsigSecret = "c2VjcmV0LXRzaWcta2V5LXZhbHVlLTQyNDI0Mg=="
        let password = "hunter2-source-admin-\(UUID().uuidString)"
        try tsigSecret.write(to: harness.folder.appendingPathComponent("tsig.key"), atomically: true, encoding: .utf8)
        setenv("ENGINE_TEST_SOURCE_PASSWORD", password, 1)
        let (saved, _) = try await Self.saved(harness)
        let text = String(decoding: try saved.encoded(), as: UTF8.self)
        #expect(!text.contains(tsigSecret))
        #expect(!text.contains(password))
        #expect(!text.contains("hunter2"))
        #expect(text.contains("\"lineage\""))
    }
}
