import Foundation
import Testing

/// `mailmig validate`, `init`, `schema` and `--version` as a user runs them.
@Suite struct ValidateCommandTests {
    static let examplePlans: [String] = {
        let folder = TestEnvironment.repositoryRoot.appendingPathComponent("plans")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "plans/\($0)" }
    }()

    @Test func everyExamplePlanValidates() throws {
        #expect(Self.examplePlans.count >= 4, "plans/ should hold the example plans")
        let output = try MailMigBinary.run(["validate"] + Self.examplePlans, in: TestEnvironment.repositoryRoot)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        for plan in Self.examplePlans {
            #expect(output.stdout.contains("\(plan): valid"), "\(output.stdout)")
        }
    }

    @Test func errorsAreReportedAsFileLineColumnAndExitOne() throws {
        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = """
            mailmig: 1
            name: broken
            source: { imap: { host: a.test, tls: implict }, login: { admin: { user: a, password: hunter2 } } }
            target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }
            mailboxes: [alice]
            """
        try Data(plan.utf8).write(to: folder.appendingPathComponent("mailmig.yaml"))
        let output = try MailMigBinary.run(["validate"], in: folder)
        #expect(output.status == 1)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("mailmig.yaml:3:38: error: unknown value 'implict' for source.imap.tls; expected one of implicit, starttls, none (did you mean 'implicit'?)"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("mailmig.yaml:3:") && $0.contains("must be a secret reference") }, "\(lines)")
        #expect(lines.contains("mailmig.yaml:5:13: error: mailboxes[0] must be an address like user@example.com, found 'alice'"), "\(lines)")
        #expect(lines.last == "mailmig.yaml: 3 errors, 0 warnings")
        #expect(!output.stdout.contains("hunter2"))
        #expect(!output.stdout.contains("\u{1B}["), "no colour when not on a terminal")
    }

    /// A mail-only plan: its domain says `dns: none` and the plan has no `dns:` section.
    static func mailOnlyPlan(extra: String = "") -> String {
        """
        mailmig: 1
        name: mail-only
        source:
          imap: { host: imap.oldmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:MAILMIG_PASSWORD }, style: master-user }
        target:
          imap: { host: imap.newmail.test, port: 993, tls: implicit }
          login: { admin: { user: admin, password: env:MAILMIG_PASSWORD }, style: master-user }
        mailboxes: [alice@mailonly.test]
        domains:
          - name: mailonly.test
            dns: none

        """ + extra
    }

    @Test func aDomainWithDNSNoneNeedsNoDNSSection() throws {
        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.mailOnlyPlan().utf8).write(to: folder.appendingPathComponent("mailmig.yaml"))
        let output = try MailMigBinary.run(["validate"], in: folder)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout == "mailmig.yaml: valid\n", "\(output.stdout)")
    }

    @Test func dnsNoneRefusesVerifyAtItsLine() throws {
        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = Self.mailOnlyPlan(extra: "    verify: { type: TXT, value: \"MS=ms-0001\" }\n")
        try Data(plan.utf8).write(to: folder.appendingPathComponent("mailmig.yaml"))
        let output = try MailMigBinary.run(["validate"], in: folder)
        #expect(output.status == 1)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        let error = try #require(lines.first { $0.hasPrefix("mailmig.yaml:13:5: error: ") }, "\(lines)")
        #expect(error.contains("domains[0].verify"), "\(error)")
        #expect(error.contains("domains[0].dns is none"), "\(error)")
        #expect(lines.last == "mailmig.yaml: 1 error, 0 warnings", "\(lines)")
    }

    @Test func jsonOutputIsOneObjectPerLine() throws {
        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("mailmig: 1\nnmae: x\n".utf8).write(to: folder.appendingPathComponent("p.yaml"))
        let output = try MailMigBinary.run(["validate", "--json", "p.yaml"], in: folder)
        #expect(output.status == 1)
        let objects = try output.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(objects.allSatisfy { $0["type"] != nil && $0["version"] as? Int == 1 })
        #expect(objects.contains { $0["type"] as? String == "diagnostic" && $0["line"] as? Int == 2 && $0["column"] as? Int == 1 })
        #expect(objects.last?["type"] as? String == "validation")
        #expect(objects.last?["valid"] as? Bool == false)
    }

    @Test func initWritesAValidStarterPlanAndGitignore() throws {
        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try MailMigBinary.run(["init", folder.path])
        #expect(first.status == 0, "\(first.stderr)")
        let ignore = try String(contentsOf: folder.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignore.contains(".mailmig/"))
        let validate = try MailMigBinary.run(["validate"], in: folder)
        #expect(validate.status == 0, "\(validate.stdout)")
        let second = try MailMigBinary.run(["init", folder.path])
        #expect(second.status != 0)
        #expect(second.stderr.contains("already exists; use --force to overwrite it"))
    }

    @Test func schemaCommandPrintsTheCommittedSchema() throws {
        let output = try MailMigBinary.run(["schema"])
        #expect(output.status == 0)
        let committed = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("schemas/plan.v1.schema.json"), encoding: .utf8)
        #expect(output.stdout == committed)
        let schema = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        #expect(schema?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func versionAndMissingDefaultPlan() throws {
        let version = try MailMigBinary.run(["--version"])
        #expect(version.stdout.hasPrefix("mailmig "))
        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try MailMigBinary.run(["validate"], in: folder)
        #expect(output.status == 1)
        #expect(output.stdout.contains("mailmig.yaml:1:1: error: cannot read the plan file: no such file"))
    }
}
