import Foundation
import Testing
import MailMigAuthoritativeDNS
@testable import MailMigCore

/// What the planner wants to change, step by step through a migration, against a fake zone.
@Suite("Planner diffs")
struct PlannerDiffEngineTests {
    typealias F = EngineFixtures

    @Test("plan values are normalised to the server's presentation format")
    func normalisedValues() throws {
        #expect(try PresentationFormat().normalize("10 mx.newmail.test", type: .MX) == F.newMX)
        #expect(try PresentationFormat().normalize("MS=ms12345678", type: .TXT) == F.verifyTXT)
        #expect(PresentationFormat().text(ofTXT: F.oldSPF) == "v=spf1 include:spf.oldmail.test -all")
    }

    @Test("the first apply lowers the TTLs and adds the verification TXT next to the SPF")
    func firstApply() async throws {
        let harness = try EngineHarness()
        let plan = try await harness.engine().plan()
        #expect(plan.steps.map(\.address) == [F.txt.address, F.mx.address, F.cname.address])
        #expect(plan.steps.map(\.action) == [.update, .update, .update])
        #expect(plan.drift.isEmpty && plan.blocked.isEmpty && plan.warnings.isEmpty)
        #expect(plan.steps[1].dependsOn == [plan.steps[0].id])
        #expect(plan.steps[2].dependsOn == [plan.steps[1].id])

        let txt = try #require(plan.change(for: F.txt))
        #expect(txt.expected == RRsetSnapshot(ttl: 3600, values: [F.oldSPF, F.otherTXT]))
        #expect(txt.desired == RRsetSnapshot(ttl: 300, values: [F.oldSPF, F.otherTXT, F.verifyTXT]))
        #expect(txt.original == RRsetSnapshot(ttl: 3600, values: [F.oldSPF, F.otherTXT]))
        #expect(txt.phase == .source)
        #expect(plan.step(for: F.txt)?.reason == "lower the TTL from 3600s to 300s ahead of the cutover; add the domain verification record")

        #expect(plan.change(for: F.mx)?.desired == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(plan.step(for: F.mx)?.reason == "lower the TTL from 3600s to 300s ahead of the cutover")
        #expect(plan.change(for: F.cname)?.desired == RRsetSnapshot(ttl: 300, values: [F.oldCNAME]))

        let report = try await harness.engine().apply(plan)
        #expect(report.succeeded)
        #expect(await harness.zone.get(F.txt) == RRsetSnapshot(ttl: 300, values: [F.oldSPF, F.otherTXT, F.verifyTXT]))
        let state = try #require(try harness.recorded(F.mx))
        #expect(state.original == RRsetSnapshot(ttl: 3600, values: [F.oldMX]))
        #expect(state.applied == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(state.lowered == TTLLowering(ttl: 300, fromTTL: 3600, at: F.start))
        #expect(state.phase == .source)
    }

    @Test("a second plan after an apply has no changes")
    func secondPlanIsEmpty() async throws {
        let harness = try EngineHarness()
        #expect(try await harness.apply().report.succeeded)
        let again = try await harness.engine().plan()
        #expect(again == .empty)
    }

    @Test("the cutover replaces MX and CNAME, and only the matched TXT")
    func cutover() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        harness.clock.advance(3601)
        let plan = try await harness.engine(F.plan(route: "target")).plan()
        #expect(plan.blocked.isEmpty)
        #expect(plan.steps.map(\.address) == [F.txt.address, F.mx.address, F.cname.address])
        #expect(plan.steps.allSatisfy { $0.reason == "cut over to the target" })
        #expect(plan.change(for: F.txt)?.desired == RRsetSnapshot(ttl: 300, values: [F.newSPF, F.otherTXT, F.verifyTXT]))
        #expect(plan.change(for: F.mx)?.desired == RRsetSnapshot(ttl: 300, values: [F.newMX]))
        #expect(plan.change(for: F.cname)?.desired == RRsetSnapshot(ttl: 300, values: [F.newCNAME]))
        #expect(plan.steps.allSatisfy { $0.work.dnsChange?.phase == .cutover })

        #expect(try await harness.engine(F.plan(route: "target")).apply(plan).succeeded)
        #expect(await harness.zone.get(F.mx) == RRsetSnapshot(ttl: 300, values: [F.newMX]))
        let state = try #require(try harness.recorded(F.txt))
        #expect(state.phase == .cutover)
        #expect(state.cutoverAt == F.start.addingTimeInterval(3601))
        #expect(state.original == RRsetSnapshot(ttl: 3600, values: [F.oldSPF, F.otherTXT]))
        #expect(try await harness.engine(F.plan(route: "target")).plan() == .empty)
    }

    @Test("routing back to the source restores the exact original values")
    func routeBack() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        harness.clock.advance(3601)
        #expect(try await harness.apply(F.plan(route: "target")).report.succeeded)
        let plan = try await harness.engine(F.plan(route: "source")).plan()
        #expect(plan.steps.count == 3)
        #expect(plan.steps.allSatisfy { $0.reason == "restore the records recorded before the cutover (route: source)" })
        #expect(try await harness.engine(F.plan(route: "source")).apply(plan).succeeded)
        // The values are the original ones; the TTL stays lowered while the plan asks for lower_ttl_to.
        #expect(await harness.zone.get(F.mx) == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(await harness.zone.get(F.cname) == RRsetSnapshot(ttl: 300, values: [F.oldCNAME]))
        #expect(await harness.zone.get(F.txt) == RRsetSnapshot(ttl: 300, values: [F.oldSPF, F.otherTXT, F.verifyTXT]))
        #expect(try harness.recorded(F.mx)?.phase == .source)
        #expect(try harness.recorded(F.mx)?.cutoverAt == nil)
        #expect(try await harness.engine(F.plan(route: "source")).plan() == .empty)
    }

    @Test("a record removed from the plan is restored to its original TTL and values, then forgotten")
    func removedRecord() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        let withoutCNAME = F.plan(records: [
            "{ type: MX, values: [\"10 mx.newmail.test.\"] }",
            "{ type: TXT, match: \"v=spf1\", values: [\"v=spf1 include:spf.newmail.test -all\"] }",
        ])
        let plan = try await harness.engine(withoutCNAME).plan()
        #expect(plan.steps.map(\.address) == [F.cname.address])
        let step = try #require(plan.step(for: F.cname))
        #expect(step.action == .delete)
        #expect(step.reason == "no longer in the plan: restore the records from before mailmig, then forget it")
        #expect(plan.change(for: F.cname)?.desired == RRsetSnapshot(ttl: 3600, values: [F.oldCNAME]))
        #expect(plan.change(for: F.cname)?.forget == true)
        #expect(try await harness.engine(withoutCNAME).apply(plan).succeeded)
        #expect(await harness.zone.get(F.cname) == RRsetSnapshot(ttl: 3600, values: [F.oldCNAME]))
        #expect(try harness.recorded(F.cname) == nil)
        #expect(try harness.recorded(F.mx) != nil)
        #expect(try await harness.engine(withoutCNAME).plan() == .empty)
    }

    @Test("drift before the cutover is adopted as the source's records")
    func driftBeforeCutover() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        await harness.zone.set(F.mx, RRsetSnapshot(ttl: 300, values: ["20 mx2.oldmail.test."]))
        let plan = try await harness.engine().plan()
        #expect(plan.drift == [DriftItem(
            address: F.mx.address, recorded: "ttl 300: 10 mx.oldmail.test.", live: "ttl 300: 20 mx2.oldmail.test.",
            resolution: "kept: before the cutover the live records are taken as the source's")])
        let change = try #require(plan.change(for: F.mx))
        #expect(change.writesDNS == false)
        #expect(change.original == RRsetSnapshot(ttl: 3600, values: ["20 mx2.oldmail.test."]))
        #expect(plan.step(for: F.mx)?.reason == "record the change made outside mailmig in the state")
        #expect(try await harness.engine().apply(plan).succeeded)
        #expect(await harness.zone.get(F.mx) == RRsetSnapshot(ttl: 300, values: ["20 mx2.oldmail.test."]))
        #expect(try harness.recorded(F.mx)?.original == RRsetSnapshot(ttl: 3600, values: ["20 mx2.oldmail.test."]))
        #expect(try await harness.engine().plan() == .empty)
    }

    @Test("drift after the cutover is set back to the plan's records")
    func driftAfterCutover() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        harness.clock.advance(3601)
        try await harness.apply(F.plan(route: "target"))
        await harness.zone.set(F.mx, RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        let plan = try await harness.engine(F.plan(route: "target")).plan()
        #expect(plan.drift.map(\.address) == [F.mx.address])
        #expect(plan.drift.first?.resolution == "the plan sets it back")
        #expect(plan.change(for: F.mx)?.expected == RRsetSnapshot(ttl: 300, values: [F.oldMX]))
        #expect(plan.change(for: F.mx)?.desired == RRsetSnapshot(ttl: 300, values: [F.newMX]))
        #expect(plan.steps.count == 1)
        #expect(try await harness.engine(F.plan(route: "target")).apply(plan).succeeded)
        #expect(await harness.zone.get(F.mx) == RRsetSnapshot(ttl: 300, values: [F.newMX]))
        #expect(try await harness.engine(F.plan(route: "target")).plan() == .empty)
    }
}
