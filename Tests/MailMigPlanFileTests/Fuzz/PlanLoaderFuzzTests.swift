import Foundation
import FuzzSupport
import Testing
import MailMigCore
@testable import MailMigPlanFile

/// Time-bounded mutation fuzzing of the plan loader (YAML reader, schema and semantic checks): every input
/// gives a plan without errors, or no plan and at least one located error — never a crash.
@Suite("Fuzz: plan loader")
struct PlanLoaderFuzzTests {
    @Test("Mutated plans: a plan or located errors, never a crash")
    func loader() throws {
        var seeds = [Array(PlanFixtures.complete.utf8)]
        let demo = PlanFixtures.repositoryRoot.appendingPathComponent("plans/demo.yaml")
        if let bytes = try? Data(contentsOf: demo) { seeds.append(Array(bytes)) }
        seeds.append(Array("mailmig: 1\nname: x\nsource: { imap: { host: a } }\n".utf8))
        var driver = FuzzDriver(name: "plan", seeds: seeds, alphabet: Array(":-{}[],'\"&*!|>#%@` \n\t0123456789.~?".utf8))
        var problems: [String] = []
        driver.run { bytes in
            let result = PlanLoader.load(bytes: bytes, file: "fuzz.yaml", baseDirectory: URL(fileURLWithPath: "/nonexistent"), dnsKinds: PlanFixtures.dnsKinds)
            if result.plan != nil { return result.errors.isEmpty || { problems.append("plan with errors"); return false }() }
            if result.errors.isEmpty, problems.count < 5 { problems.append("rejected without an error: \(String(decoding: bytes.prefix(200), as: UTF8.self))") }
            for error in result.errors where error.location.line < 1 || error.message.isEmpty {
                if problems.count < 5 { problems.append("error without location or message: \(error.message)") }
            }
            return false
        }
        print("Fuzz plan loader: \(driver.executions) executions, \(driver.accepted) loaded, seed \(FuzzDriver.seed)")
        #expect(problems.isEmpty, "\(problems)")
        #expect(driver.executions > 0)
    }
}
