import Foundation
import Testing
import MailMigCore
@testable import MailMigPlanFile

@Suite struct MailboxImportTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func load(csv: String, extra: String = "") throws -> PlanLoader.Result {
        try Data(csv.utf8).write(to: folder.appendingPathComponent("users.csv"))
        let plan = """
            mailmig: 1
            name: import
            source: { imap: { host: a.test }, login: { admin: { user: a, password: env:A } } }
            target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }
            mailboxes:
              - first@x.test
              - { import: users.csv\(extra) }
            """
        return PlanLoader.load(text: plan, file: "plans/p.yaml", baseDirectory: folder, dnsKinds: PlanFixtures.dnsKinds)
    }

    @Test func rowsBecomeMailboxesInPlace() throws {
        let result = try load(csv: """
            source,target,tags,target_password
            alice@x.test,,pilot vip,
            "bob@x.test",robert@y.test,wave1;it,file:secrets/{target_localpart}
            \r
            """, extra: ", tags: [imported]")
        let plan = try #require(result.plan, "\(result.diagnostics)")
        #expect(plan.mailboxes.map(\.source.description) == ["first@x.test", "alice@x.test", "bob@x.test"])
        #expect(plan.mailboxes[1].target == plan.mailboxes[1].source)
        #expect(plan.mailboxes[1].tags == ["imported", "pilot", "vip"])
        #expect(plan.mailboxes[2].target.description == "robert@y.test")
        #expect(plan.mailboxes[2].targetLogin?.password == .file("secrets/{target_localpart}"))
        #expect(plan.mailboxes[2].location == SourceLocation(file: "plans/users.csv", line: 3, column: 1))
    }

    @Test func errorsPointAtFileRowAndColumn() throws {
        let result = try load(csv: """
            source,target,tagz
            alice@x.test,not-an-address,
            bob@x.test,b@x.test,ok,extra
            carol@x.test,c@x.test,bad/tag
            """)
        #expect(result.plan == nil)
        let errors = result.errors.map(\.description)
        #expect(errors.contains("plans/users.csv:1:15: error: unknown column 'tagz' (did you mean 'tags'?)"), "\(errors)")
        #expect(errors.contains("plans/users.csv:2:14: error: target must be an address like user@example.com, found 'not-an-address'"), "\(errors)")
        #expect(errors.contains("plans/users.csv:3:1: error: the row has 4 fields but the header has 3"), "\(errors)")
    }

    @Test func literalPasswordInCSVIsRefusedWithoutEcho() throws {
        let result = try load(csv: "source,source_password\nalice@x.test,Winter2024!\n")
        let errors = result.errors.map(\.description)
        #expect(errors == ["plans/users.csv:2:14: error: source_password must be a secret reference, not the secret itself: write env:NAME or file:PATH"])
    }

    @Test func unterminatedQuote() throws {
        let result = try load(csv: "source\n\"alice@x.test\n")
        #expect(result.errors.map(\.description) == ["plans/users.csv:2:1: error: invalid CSV: a quoted field is never closed"])
    }

    @Test func missingFile() {
        let plan = """
            mailmig: 1
            name: import
            source: { imap: { host: a.test }, login: { admin: { user: a, password: env:A } } }
            target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }
            mailboxes: [ { import: nowhere.csv } ]
            """
        let result = PlanLoader.load(text: plan, file: "p.yaml", baseDirectory: folder, dnsKinds: PlanFixtures.dnsKinds)
        #expect(result.errors.map(\.description) == ["p.yaml:5:24: error: cannot read the mailbox list nowhere.csv: no such file or not readable"])
    }
}
