import Foundation
import Testing
@testable import MailMigCore
import MailMigStateSQLite

/// The safety gates that hold a cutover back, and `--force`.
@Suite("Cutover gates")
struct CutoverGateEngineTests {
    typealias F = EngineFixtures

    /// A plan with one mailbox of acme.test in batch `pilot`.
    static let withBatch = F.plan(route: "target", extra: """
        mailboxes:
          - alice@acme.test
        batches:
          - { name: pilot, mailboxes: [alice@acme.test], stage: sync }
        """)

    /// A harness whose TTLs were lowered at `F.start`, an hour ago (so only other gates can hold back).
    static func lowered() async throws -> EngineHarness {
        let harness = try EngineHarness()
        #expect(try await harness.apply().report.succeeded)
        harness.clock.advance(3600)
        return harness
    }

    /// Records that alice's mailbox (batch `pilot`) has completed `stage`.
    static func alice(_ harness: EngineHarness, reached stage: Stage) throws {
        let record = MailboxRecord(source: "alice@acme.test", target: "alice@acme.test", batch: "pilot", reached: stage, provisioned: false,
                                   lastPass: F.start, lastDuration: 1, lastResult: nil, lastError: nil)
        try Self.record(harness, MailboxRecord.address("alice@acme.test"), kind: MailboxRecord.kind, record)
    }

    /// The plan with mailboxes, from the state alone (no mail server is asked), DNS steps only.
    static func planWithBatch(_ harness: EngineHarness, force: Bool = false) async throws -> ExecutionPlan {
        var plan = try await harness.engine(withBatch).plan(force: force, refresh: false)
        plan.steps.removeAll { !$0.address.hasPrefix("domain.") }
        plan.blocked.removeAll { !$0.address.hasPrefix("domain.") }
        return plan
    }

    /// Puts a resource straight into the state.
    static func record<T: Encodable>(_ harness: EngineHarness, _ address: String, kind: String, _ value: T) throws {
        try SQLiteStateStore.open(folder: harness.stateFolder).commit([.put(address, kind: kind, value)])
    }

    @Test("the cutover waits until the old TTL has expired: lowering time + old TTL")
    func oldTTL() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        harness.clock.advance(3599)
        let plan = try await harness.engine(F.plan(route: "target")).plan()
        #expect(plan.steps.isEmpty)
        #expect(plan.blocked.count == 1)
        let blocked = try #require(plan.blocked.first)
        #expect(blocked.address == "domain.acme.test")
        #expect(blocked.earliest == F.start.addingTimeInterval(3600))
        #expect(blocked.reason == "the cutover of acme.test waits for the old TTL: acme.test TXT, acme.test MX, autodiscover.acme.test CNAME lowered to 300s at 2026-03-01T12:00:00Z; resolvers may keep 3600s answers until 2026-03-01T13:00:00Z")

        harness.clock.advance(1)
        let allowed = try await harness.engine(F.plan(route: "target")).plan()
        #expect(allowed.blocked.isEmpty)
        #expect(allowed.steps.count == 3)
        #expect(allowed.change(for: F.mx)?.desired == RRsetSnapshot(ttl: 300, values: [F.newMX]))
    }

    @Test("a cutover asked for before any lowering lowers first and waits the old TTL from now")
    func notLoweredYet() async throws {
        let harness = try EngineHarness()
        let plan = try await harness.engine(F.plan(route: "target")).plan()
        #expect(plan.blocked.map(\.earliest) == [F.start.addingTimeInterval(3600)])
        #expect(plan.blocked.first?.reason.hasPrefix("the TTL of acme.test TXT, acme.test MX, autodiscover.acme.test CNAME has not been lowered yet") == true)
        #expect(plan.change(for: F.mx)?.desired == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(plan.change(for: F.mx)?.phase == .source)
    }

    @Test("a batch whose mailboxes are below sync holds the cutover back", arguments: [Stage.prepare, .presync])
    func batchBelowSync(stage: Stage) async throws {
        let harness = try await Self.lowered()
        try Self.alice(harness, reached: stage)
        let plan = try await Self.planWithBatch(harness)
        #expect(plan.steps.isEmpty)
        #expect(plan.blocked == [BlockedItem(
            address: "domain.acme.test",
            reason: "batch 'pilot' holds mailboxes of acme.test and has reached only \(stage.rawValue); the cutover needs every such batch at sync",
            earliest: nil)])
    }

    @Test("a batch that has not started holds the cutover back; one at sync lets it go")
    func batchProgress() async throws {
        let harness = try await Self.lowered()
        let waiting = try await Self.planWithBatch(harness)
        #expect(waiting.blocked.map(\.reason) == ["batch 'pilot' holds mailboxes of acme.test and has not synced yet; the cutover needs every such batch at sync"])
        try Self.alice(harness, reached: .sync)
        let allowed = try await Self.planWithBatch(harness)
        #expect(allowed.blocked.isEmpty)
        #expect(allowed.steps.count == 3)
    }

    @Test("a failed verification holds the cutover back")
    func failedVerification() async throws {
        let harness = try await Self.lowered()
        try Self.record(harness, "verification", kind: "verification", VerificationSummary(at: F.start, failedDomains: ["acme.test"]))
        let plan = try await harness.engine(F.plan(route: "target")).plan()
        #expect(plan.steps.isEmpty)
        #expect(plan.blocked.map(\.reason) == ["the last verification of mailboxes of acme.test found differences; run `mailmig verify` until it passes"])

        try Self.record(harness, "verification", kind: "verification", VerificationSummary(at: F.start, failedDomains: ["other.test"]))
        #expect(try await harness.engine(F.plan(route: "target")).plan().blocked.isEmpty)
    }

    @Test("--force turns every gate into a warning and cuts over")
    func force() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        try Self.record(harness, "verification", kind: "verification", VerificationSummary(at: F.start, failedDomains: ["acme.test"]))
        let plan = try await Self.planWithBatch(harness, force: true)
        #expect(plan.blocked.isEmpty)
        #expect(plan.warnings.count == 3)
        #expect(plan.warnings.allSatisfy { $0.hasPrefix("--force: cutting over although ") })
        #expect(plan.warnings.contains { $0.contains("waits for the old TTL") })
        #expect(plan.warnings.contains { $0.contains("batch 'pilot'") })
        #expect(plan.warnings.contains { $0.contains("verification") })
        #expect(plan.change(for: F.mx)?.desired == RRsetSnapshot(ttl: 300, values: [F.newMX]))
        #expect(plan.change(for: F.mx)?.phase == .cutover)
    }
}
