import Foundation
import MailMigCore
import MailMigPlanFile
import Testing

/// `dav:` on each side and `collections:`: what is read, and every mistake at its place.
@Suite struct CollectionsPlanTests {
    static func plan(source dav: String = "dav: { url: \"https://dav.old.test/\" }", target targetDAV: String = "dav: { url: \"https://dav.new.test/\" }",
                     login: String = "{ style: per-mailbox, password: env:PW }", collections: String = "collections: { tasks: false, exclude: [Birthdays] }") -> String {
        """
        mailmig: 1
        name: dav
        source:
          imap: { host: imap.old.test }
          \(dav)
          login: \(login)
        target:
          imap: { host: imap.new.test }
          \(targetDAV)
          login: \(login)
        mailboxes: [alice@acme.test]
        \(collections)
        """
    }

    @Test func readsTheServersAndTheRules() throws {
        let result = PlanFixtures.load(Self.plan(target: "dav: { url: \"https://cloud.new.test/dav/\", principal_format: \"/principals/{localpart}/\" }"))
        let plan = try #require(result.plan, "\(PlanFixtures.errors(result))")
        #expect(plan.source.dav?.url == "https://dav.old.test/")
        #expect(plan.target.dav?.principalFormat == "/principals/{localpart}/")
        #expect(plan.collections?.kinds == [.contacts, .calendars])
        #expect(plan.collections?.exclude == ["Birthdays"])
        #expect(plan.collections?.rewriteAddresses == true)
    }

    @Test func mistakesAreReportedAtTheirPlaceAllAtOnce() {
        let result = PlanFixtures.load(Self.plan(source: "dav: { url: \"https://alice:hunter2@dav.old.test/\" }",
                                                 target: "dav: { url: \"ftp://dav.new.test\", principal_format: \"/{nonsense}/\" }"))
        let errors = PlanFixtures.errors(result)
        #expect(errors.contains { $0.hasPrefix("5:") && $0.contains("must not hold a user or password") }, "\(errors)")
        #expect(errors.contains { $0.contains("target.dav.url must be an http or https URL") }, "\(errors)")
        #expect(errors.contains { $0.contains("nonsense") }, "\(errors)")
        #expect(!errors.contains { $0.contains("collections needs") }, "a wrong dav is not also a missing one: \(errors)")
        #expect(!errors.joined().contains("hunter2"), "the password is never echoed")
    }

    @Test func collectionsNeedADAVServerOnBothSidesThatCanLogIn() {
        let missing = PlanFixtures.errors(PlanFixtures.load(Self.plan(target: "")))
        #expect(missing.contains { $0.contains("collections needs target.dav") }, "\(missing)")
        let authzid = PlanFixtures.errors(PlanFixtures.load(Self.plan(login: "{ style: authzid, admin: { user: admin, password: env:PW } }")))
        #expect(authzid.contains { $0.contains("cannot log in with login style authzid") }, "\(authzid)")
    }
}
