import Foundation
import Testing
@testable import MailMigCore

/// `--target` and `--exclude`.
@Suite("Resource filter")
struct ResourceFilterEngineTests {
    typealias F = EngineFixtures

    @Test("a prefix matches at a / boundary or whole, never inside a name")
    func prefixes() {
        let filter = ResourceFilter(targets: ["domain.acme.test"])
        #expect(filter.keeps("domain.acme.test"))
        #expect(filter.keeps("domain.acme.test/dns/@/MX"))
        #expect(!filter.keeps("domain.acme.test.evil/dns/@/MX"))
        #expect(!filter.keeps("domain.acme.testing/dns/@/MX"))
        #expect(ResourceFilter(excludes: ["domain.acme.test/dns/@/MX"]).keeps("domain.acme.test/dns/@/TXT"))
        #expect(!ResourceFilter(excludes: ["domain.acme.test/dns/@/MX"]).keeps("domain.acme.test/dns/@/MX"))
        #expect(!ResourceFilter().isActive)
    }

    @Test("a filtered plan keeps only the chosen steps, drops dependencies on the others, and warns")
    func filteredPlan() async throws {
        let harness = try EngineHarness()
        let plan = try await harness.engine().plan(filter: ResourceFilter(excludes: [F.txt.address]))
        #expect(plan.steps.map(\.address) == [F.mx.address, F.cname.address])
        #expect(plan.steps[0].dependsOn.isEmpty)
        #expect(plan.steps[1].dependsOn == [plan.steps[0].id])
        #expect(plan.warnings == ["only part of the plan is considered (--target/--exclude); the state may not match the plan afterwards"])
        #expect(try await harness.engine().apply(plan).succeeded)
        #expect(await harness.zone.get(F.txt) == F.originalRecords[F.txt])
        #expect(try await harness.engine().plan().steps.map(\.address) == [F.txt.address])
    }
}
