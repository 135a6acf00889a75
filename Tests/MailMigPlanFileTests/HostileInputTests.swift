import Foundation
import Testing
import MailMigCore
@testable import MailMigPlanFile

/// Inputs that break naive YAML loaders: each gets a clear error, quickly, without a crash.
@Suite struct HostileInputTests {
    func load(_ bytes: [UInt8]) -> PlanLoader.Result {
        PlanLoader.load(bytes: bytes, file: "hostile.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: PlanFixtures.dnsKinds)
    }

    func firstError(_ bytes: [UInt8]) -> String {
        load(bytes).errors.first.map { "\($0.location.line):\($0.location.column): \($0.message)" } ?? "no error"
    }

    @Test func emptyFile() {
        #expect(firstError([]) == "1:1: the file is empty; expected a YAML mapping")
        #expect(firstError(Array("   \n# only a comment\n".utf8)) == "1:1: the file is empty; expected a YAML mapping")
    }

    @Test func binaryGarbage() {
        #expect(firstError([0x6D, 0x61, 0xFF, 0xFE, 0x00]) == "1:3: the file is not valid UTF-8 text")
        #expect(firstError(Array("mailmig: 1\nname: a\u{0}b\n".utf8)) == "2:8: the file contains the control character U+0000; plan files must be text")
    }

    @Test func tabIndentation() {
        let errors = load(Array("mailmig: 1\nsource:\n\timap: {}\n".utf8)).errors
        #expect(errors.first?.message == "a tab cannot indent YAML; use spaces")
        #expect(errors.first?.location.line == 3)
    }

    @Test func duplicateKeys() {
        let result = load(Array("mailmig: 1\nname: a\nname: b\n".utf8))
        #expect(result.errors.first?.message == "duplicate key 'name' in one mapping; each key may appear once")
        #expect(result.errors.first?.location.line == 2)
    }

    @Test func scalarDocument() {
        #expect(firstError(Array("just words\n".utf8)) == "1:1: expected a mapping for the plan, found a string 'just words'")
    }

    @Test func twoDocuments() {
        #expect(firstError(Array("mailmig: 1\n---\nmailmig: 1\n".utf8)).contains("but found another document"))
    }

    @Test func deepFlowNesting() {
        let text = "mailmig: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure { #expect(firstError(Array(text.utf8)).contains("nests deeper than 64 levels")) }
        #expect(elapsed < .seconds(10))
    }

    @Test func deepBlockNesting() {
        var text = "mailmig: 1\n"
        for depth in 0..<3_000 { text += String(repeating: " ", count: depth) + "k\(depth):\n" }
        #expect(firstError(Array(text.utf8)).contains("nests deeper than 64 levels"))
        let compact = "a: " + String(repeating: "- ", count: 5_000) + "x\n"
        #expect(firstError(Array(compact.utf8)).contains("nests deeper than 64 levels"))
    }

    @Test func moderateNestingWithinLimitIsOnlyAPlanError() {
        let text = "mailmig: 1\nname: " + String(repeating: "[", count: 50) + String(repeating: "]", count: 50) + "\n"
        let errors = load(Array(text.utf8)).errors.map(\.message)
        #expect(errors.contains("expected a string for name, found a list"))
    }

    @Test func aliasBomb() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(firstError(Array(text.utf8)).contains("expands to more than"))
        }
        #expect(elapsed < .seconds(10))
    }

    @Test func aliasAsKeyIsRefused() {
        let text = "a: &a [1, 2]\n*a : value\n"
        #expect(firstError(Array(text.utf8)) == "2:1: an alias cannot be used as a mapping key in a plan file")
        let explicit = "a: &a [1, 2]\n? *a\n: value\n"
        #expect(firstError(Array(explicit.utf8)) == "2:3: an alias cannot be used as a mapping key in a plan file")
    }

    @Test func harmlessAliasesWork() throws {
        let text = """
            mailmig: 1
            name: aliases
            source: { imap: { host: a.test }, login: &login { admin: { user: admin, password: env:PW } } }
            target: { imap: { host: b.test }, login: *login }
            mailboxes: [a@x.test]
            """
        let result = load(Array(text.utf8))
        let plan = try #require(result.plan, "\(result.diagnostics)")
        #expect(plan.target.login == plan.source.login)
    }

    @Test func multiMegabyteFile() {
        var text = "mailmig: 1\nname: big\nmailboxes:\n"
        for index in 0..<200_000 { text += "  - user\(index)@example.com\n" }
        let clock = ContinuousClock()
        var result: PlanLoader.Result?
        let elapsed = clock.measure { result = load(Array(text.utf8)) }
        #expect(text.utf8.count > 5_000_000)
        #expect(result?.errors.map(\.message).contains("missing value for 'source' in the plan") == true)
        #expect(elapsed < .seconds(30))
    }

    @Test func oversizeFile() {
        let bytes = [UInt8](repeating: UInt8(ascii: "#"), count: YAMLLimits.standard.maxFileSize + 1)
        #expect(firstError(bytes).contains("plan files are limited to"))
    }
}
