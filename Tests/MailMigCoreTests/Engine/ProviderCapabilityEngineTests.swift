import Foundation
import Testing
@testable import MailMigCore

/// A stand-in operator: when asked, sets the records in the fake zone (or not) and says so.
final class ScriptedOperator: OperatorPrompt, @unchecked Sendable {
    private let zone: FakeZone
    private let setsRecords: Bool
    private let lock = NSLock()
    private var asked: [String] = []

    init(zone: FakeZone, setsRecords: Bool) {
        self.zone = zone
        self.setsRecords = setsRecords
    }

    /// The RRsets asked about, in order.
    var questions: [String] {
        lock.lock()
        defer { lock.unlock() }
        return asked
    }

    func confirm(_ item: DNSChecklistItem, stillDiffers: RRsetSnapshot??) async -> Bool {
        lock.withLock { asked.append(item.key.description) }
        // A second question about the same RRset means the first answer was not enough: give up.
        guard stillDiffers == nil else { return false }
        if setsRecords { await zone.set(item.key, item.desired) }
        return true
    }
}

/// Providers that cannot compare and swap: the read-check-write of an HTTP API and the operator's hand.
@Suite("DNS provider capabilities")
struct ProviderCapabilityEngineTests {
    typealias F = EngineFixtures

    static let readCheckWrite = DNSProviderCapabilities(writes: .readCheckWrite)
    static let byOperator = DNSProviderCapabilities(writes: .byOperator)

    @Test("a read-check-write provider: the plan says it is not atomic, the apply writes and reads back")
    func readCheckWriteApplies() async throws {
        let harness = try EngineHarness(capabilities: Self.readCheckWrite)
        let (plan, report) = try await harness.apply()
        #expect(plan.steps.count == 3)
        #expect(plan.steps.allSatisfy { $0.reason.hasSuffix("(not atomic at this provider)") })
        #expect(plan.warnings.contains { $0.hasPrefix("DNS provider primary cannot replace an RRset only if it is unchanged") })
        #expect(report.succeeded)
        #expect(await harness.zone.get(F.mx) == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(await harness.zone.acceptedWrites == 3)
    }

    @Test("a read-check-write provider refuses to overwrite a change made after planning")
    func readCheckWriteRefusesChangedRecords() async throws {
        let harness = try EngineHarness(capabilities: Self.readCheckWrite)
        let engine = try harness.engine()
        let plan = try await engine.plan()
        let someoneElse = RRsetSnapshot(ttl: 60, values: ["20 mx.someone.test."])
        await harness.zone.set(F.mx, someoneElse)
        let report = await engine.apply(plan, parallelism: 1)
        let failure = report.failed.first { $0.step.address == F.mx.address }
        guard case .failed(let message) = failure?.outcome else { Issue.record("the MX step did not fail: \(report.entries)"); return }
        #expect(message.contains("the record changed since it was planned: now ttl 60: 20 mx.someone.test."))
        #expect(await harness.zone.get(F.mx) == someoneElse)
    }

    @Test("a read-check-write provider finds by reading back a change that lands right after its write")
    func readCheckWriteReadsBack() async throws {
        let harness = try EngineHarness(capabilities: Self.readCheckWrite)
        let engine = try harness.engine()
        let plan = try await engine.plan()
        let first = try #require(plan.steps.first?.work.dnsChange)
        let someoneElse = RRsetSnapshot(ttl: 60, values: [F.otherTXT])
        await harness.zone.interfere(atAttempt: 1, with: someoneElse)
        let report = await engine.apply(plan, parallelism: 1)
        guard case .failed(let message) = report.entries.first?.outcome else { Issue.record("the first step did not fail"); return }
        #expect(message.contains("the records read back after the write are ttl 60: \(F.otherTXT)"))
        #expect(try harness.recorded(first.key) == nil)
    }

    @Test("an operator's provider: the apply waits for every RRset at once, exits as a success and changes nothing")
    func operatorChecklist() async throws {
        let harness = try EngineHarness(capabilities: Self.byOperator)
        let (plan, report) = try await harness.apply(parallelism: 4)
        #expect(plan.steps.allSatisfy { $0.dependsOn.isEmpty })
        let mxStep = try #require(plan.step(for: F.mx))
        #expect(mxStep.work.detail.suffix(2) == ["to set by hand: change the TTL of acme.test MX from 3600 to 300:", "  acme.test.  MX  300  \(F.oldMX)"])
        #expect(plan.warnings.contains { $0.hasPrefix("DNS provider primary is set by hand") })
        #expect(report.waiting.count == 3)
        #expect(report.succeeded)
        #expect(report.summaryLine == "Applied 0/3: ✓ 0 done, ⧗ 3 waiting for the operator, ✗ 0 failed, ○ 0 not started")
        #expect(await harness.zone.get(F.mx) == F.originalRecords[F.mx])
        #expect(await harness.zone.acceptedWrites == 0)
        let item = try #require(report.checklist.first { $0.key == F.mx })
        #expect(item.recordLines == ["acme.test.  MX  300  \(F.oldMX)"])
        #expect(item.instruction == "change the TTL of acme.test MX from 3600 to 300")
        let state = try #require(try harness.recorded(F.mx))
        #expect(state.original == F.originalRecords[F.mx])
        #expect(state.applied == F.originalRecords[F.mx])
        #expect(state.requested?.desired == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(state.lowered == nil)

        // Not done yet: the next apply asks again.
        let again = try await harness.apply()
        #expect(again.report.waiting.count == 3)
    }

    @Test("records the operator set as asked are recorded by the next apply, and the TTL gate counts from then")
    func operatorRecordsFound() async throws {
        let harness = try EngineHarness(capabilities: Self.byOperator)
        let (_, first) = try await harness.apply()
        for item in first.checklist { await harness.zone.set(item.key, item.desired) }
        harness.clock.advance(600)
        let (plan, report) = try await harness.apply()
        #expect(plan.drift.isEmpty)
        #expect(plan.steps.count == 3)
        #expect(plan.steps.allSatisfy { $0.reason == "found the records set by hand as asked: record them in the state" })
        #expect(report.done.count == 3)
        let state = try #require(try harness.recorded(F.mx))
        #expect(state.requested == nil)
        #expect(state.applied == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(state.lowered?.at == harness.clock.now)
        #expect(try await harness.engine().plan().steps.isEmpty)

        // The cutover waits for the old TTL counted from when the lowered one was found.
        let held = try await harness.engine(F.plan(route: "target")).plan()
        #expect(held.steps.isEmpty)
        #expect(held.blocked.contains { $0.reason.contains("waits for the old TTL") })
    }

    @Test("records the operator set otherwise than asked are drift, not a success")
    func operatorSetSomethingElse() async throws {
        let harness = try EngineHarness(capabilities: Self.byOperator)
        try await harness.apply()
        let wrong = RRsetSnapshot(ttl: 300, values: ["20 mx.typo.test."])
        await harness.zone.set(F.mx, wrong)
        let plan = try await harness.engine().plan()
        #expect(plan.drift.contains { $0.address == F.mx.address && $0.live == wrong.description })
    }

    @Test("other records than the cutover asked for by hand are set back, and the original before mailmig is kept for the rollback")
    func operatorMistypedCutover() async throws {
        let harness = try EngineHarness(capabilities: Self.byOperator)
        let (_, first) = try await harness.apply()
        for item in first.checklist { await harness.zone.set(item.key, item.desired) }
        try await harness.apply()
        let (_, cutover) = try await harness.apply(F.plan(route: "target"), force: true)
        #expect(cutover.checklist.contains { $0.key == F.mx && $0.desired == RRsetSnapshot(ttl: 300, values: [F.newMX]) })
        let typo = RRsetSnapshot(ttl: 300, values: ["20 mx.typo.test."])
        await harness.zone.set(F.mx, typo)

        let plan = try await harness.engine(F.plan(route: "target")).plan()
        let drift = try #require(plan.drift.first { $0.address == F.mx.address })
        #expect(drift.resolution == "the plan sets it back")
        #expect(plan.change(for: F.mx)?.desired == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        try await harness.apply(F.plan(route: "target"))
        #expect(try harness.recorded(F.mx)?.original == F.originalRecords[F.mx])
    }

    @Test("at a terminal the operator confirms and the step is done in the same apply; leaving it makes it wait")
    func operatorAtTerminal() async throws {
        let harness = try EngineHarness(capabilities: Self.byOperator)
        let willing = ScriptedOperator(zone: harness.zone, setsRecords: true)
        let (_, report) = try await harness.apply(operatorPrompt: willing)
        #expect(report.done.count == 3)
        #expect(await harness.zone.get(F.mx) == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(willing.questions.count == 3)

        let other = try EngineHarness(capabilities: Self.byOperator)
        let forgetful = ScriptedOperator(zone: other.zone, setsRecords: false)
        let (_, waiting) = try await other.apply(operatorPrompt: forgetful)
        #expect(waiting.waiting.count == 3)
        // Asked once, then told the zone still differs, then left for later.
        #expect(forgetful.questions.count == 6)
    }

    @Test("a TTL below the provider's minimum and a record type it cannot hold are refused when planning")
    func limitsRefused() async throws {
        let highMinimum = try EngineHarness(capabilities: DNSProviderCapabilities(writes: .compareAndSwap, minimumTTL: 600))
        await #expect(throws: ProviderError.self) { try await highMinimum.engine().plan() }
        do {
            _ = try await highMinimum.engine().plan()
        } catch {
            #expect("\(error)".contains("the TTL 300s is below the lowest TTL this provider accepts, 600s"))
        }
        let noCNAME = try EngineHarness(capabilities: DNSProviderCapabilities(writes: .compareAndSwap, recordTypes: [.MX, .TXT]))
        do {
            _ = try await noCNAME.engine().plan()
            Issue.record("a CNAME was planned at a provider without CNAME")
        } catch {
            #expect("\(error)".contains("this provider cannot manage CNAME records; it manages MX, TXT"))
        }
    }

    @Test("a mail-only domain (dns: none) plans no DNS step and counts as cut over once routed to the target")
    func mailOnlyDomain() async throws {
        let harness = try EngineHarness()
        let text = F.plan().replacingOccurrences(of: "dns: primary", with: "dns: none")
            .components(separatedBy: "\n").prefix { !$0.contains("verify:") }.joined(separator: "\n") + "\n    route: target\n"
        let plan = try await harness.engine(text).plan()
        #expect(plan.steps.isEmpty)
        let workspace = try harness.workspace(text)
        #expect(workspace.plan.domains.first?.dnsProvider == nil)
        #expect(await harness.zone.acceptedWrites == 0)
    }
}
