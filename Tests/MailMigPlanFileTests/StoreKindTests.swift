import Foundation
import Testing
import MailMigCore
@testable import MailMigPlanFile

/// `source:` and `target:` as an IMAP server, a POP3 server or a Maildir tree, and `backup:`.
@Suite struct StoreKindTests {
    static let target = "target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }\n"

    static func plan(source: String, rest: String = "") -> String {
        "mailmig: 1\nname: t\nsource: \(source)\n" + target + rest
    }

    @Test func pop3SourceTakesItsPortsAndFolder() throws {
        let result = PlanFixtures.load(Self.plan(source: "{ pop3: { host: pop.a.test }, pop3_folder: \"Archive/Old POP\", login: { style: authzid, admin: { user: a, password: env:A } } }"))
        let plan = try #require(result.plan, "\(PlanFixtures.errors(result))")
        guard case .pop3(let endpoint, let folder) = plan.source.access else { Issue.record("not pop3: \(plan.source.access)"); return }
        #expect(endpoint.port == 995)
        #expect(folder == "Archive/Old POP")
        #expect(plan.source.access.protocolName == "POP3")
        let plain = try #require(PlanFixtures.load(Self.plan(source: "{ pop3: { host: pop.a.test, tls: starttls }, login: { admin: { user: a, password: env:A } } }")).plan)
        #expect(plain.source.access.endpoint?.port == 110)
        guard case .pop3(_, let inbox) = plain.source.access else { Issue.record("not pop3"); return }
        #expect(inbox == "INBOX")
        for bad in ["Archive//Old POP", "/Archive", "Archive/"] {
            let result = PlanFixtures.load(Self.plan(source: "{ pop3: { host: p.test }, pop3_folder: \"\(bad)\", login: { admin: { user: a, password: env:A } } }"))
            #expect(result.plan == nil, "\(bad) was accepted")
            #expect(PlanFixtures.errors(result).contains { $0.contains("source.pop3_folder '\(bad)' is not a valid folder path") }, "\(PlanFixtures.errors(result))")
        }
    }

    @Test func pop3RefusesWhatPOP3CannotDo() {
        let folders = PlanFixtures.load(Self.plan(source: "{ pop3: { host: p.test }, login: { admin: { user: a, password: env:A } } }",
                                                  rest: "folders: { exclude: [Junk], map: { INBOX: Old } }\n"))
        #expect(folders.plan == nil)
        let errors = PlanFixtures.errors(folders)
        #expect(errors.contains { $0.hasPrefix("5:12: folders.exclude has no meaning for a POP3 source") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("5:29: folders.map has no meaning for a POP3 source") }, "\(errors)")
        let token = PlanFixtures.load(Self.plan(source: "{ pop3: { host: p.test }, login: { admin: { user: a, oauth2_token: env:T } } }"))
        #expect(PlanFixtures.errors(token).contains { $0.contains("source.login.admin.oauth2_token is not available for POP3") }, "\(PlanFixtures.errors(token))")
        let onTarget = PlanFixtures.load("mailmig: 1\nname: t\nsource: { imap: { host: a.test }, login: { admin: { user: a, password: env:A } } }\n"
                                         + "target: { pop3: { host: b.test }, login: { admin: { user: a, password: env:A } } }\n")
        #expect(PlanFixtures.errors(onTarget).contains("4:11: pop3 can only be a source: mailmig reads a POP3 maildrop and never writes to one"))
        let stray = PlanFixtures.load(Self.plan(source: "{ imap: { host: a.test }, pop3_folder: X, login: { admin: { user: a, password: env:A } } }"))
        #expect(PlanFixtures.errors(stray).contains { $0.contains("source.pop3_folder belongs to a pop3 source") })
    }

    @Test func aSideIsExactlyOneSystem() {
        let none = PlanFixtures.load(Self.plan(source: "{ login: { admin: { user: a, password: env:A } } }"))
        #expect(PlanFixtures.errors(none).contains("3:9: source needs one of imap, pop3 or maildir: the kind of system and where it is (or a preset)"))
        let two = PlanFixtures.load(Self.plan(source: "{ imap: { host: a.test }, maildir: { path: \"m/{source}\" }, login: { admin: { user: a, password: env:A } } }"))
        #expect(PlanFixtures.errors(two).contains { $0.contains("source is one system: it has imap already, so maildir cannot be given too") })
    }

    @Test func maildirNeedsNoLoginAndOnePlaceholder() throws {
        let result = PlanFixtures.load(Self.plan(source: "{ maildir: { path: \"backups/{source}\" } }"))
        let plan = try #require(result.plan, "\(PlanFixtures.errors(result))")
        #expect(plan.source.access == .maildir(path: "backups/{source}"))
        #expect(plan.source.login == nil)
        let shared = PlanFixtures.load(Self.plan(source: "{ maildir: { path: backups/all } }"))
        #expect(PlanFixtures.errors(shared).contains { $0.contains("must hold a mailbox placeholder such as {address}") })
        let login = PlanFixtures.load(Self.plan(source: "{ maildir: { path: \"b/{source}\" }, login: { admin: { user: a, password: env:A } } }"))
        #expect(login.warnings.map(\.message).contains("source.login is not used: a Maildir tree is read and written without logging in"))
    }

    @Test func backupIsOneFolderForEveryMailbox() throws {
        let imap = "{ imap: { host: a.test }, login: { admin: { user: a, password: env:A } } }"
        let plan = try #require(PlanFixtures.load(Self.plan(source: imap, rest: "backup: { path: backups }\nmailboxes: [Ann/Smith@X.test]\n")).plan)
        let backup = try #require(plan.backup)
        #expect(backup.format == .maildir)
        #expect(backup.server.access == .maildir(path: "backups/{source}"))
        #expect(Template.fileName("Ann/Smith%1@X.test") == "ann%2Fsmith%251@x.test")
        let templated = PlanFixtures.load(Self.plan(source: imap, rest: "backup: { path: \"b/{source}\" }\n"))
        #expect(PlanFixtures.errors(templated).contains { $0.contains("backup.path is one folder for every mailbox") })
        let format = PlanFixtures.load(Self.plan(source: imap, rest: "backup: { path: b, format: mbox }\n"))
        #expect(PlanFixtures.errors(format).contains { $0.contains("unknown value 'mbox' for backup.format; expected one of maildir") })
        let itself = PlanFixtures.load(Self.plan(source: "{ maildir: { path: \"b/{source}\" } }", rest: "backup: { path: b/ }\n"))
        #expect(PlanFixtures.errors(itself).contains { $0.contains("holds the source's own Maildir trees") })
        // The same folder however it is spelt; a folder that only starts with the same letters is another one.
        for (source, backup) in [("b/{source}", "./b/"), ("./b/{source}", "b"), ("b/{source}", "x/../b"), ("b//{source}", "b/."), ("b/{source}", "/")] {
            let spelt = PlanFixtures.load(Self.plan(source: "{ maildir: { path: \"\(source)\" } }", rest: "backup: { path: \"\(backup)\" }\n"))
            #expect(PlanFixtures.errors(spelt).contains { $0.contains("holds the source's own Maildir trees") }, "\(source) in \(backup)")
        }
        let other = PlanFixtures.load(Self.plan(source: "{ maildir: { path: \"bx/{source}\" } }", rest: "backup: { path: b }\nmailboxes: [a@x.test]\n"))
        #expect(!PlanFixtures.errors(other).contains { $0.contains("holds the source's own Maildir trees") }, "\(PlanFixtures.errors(other))")
    }
}
