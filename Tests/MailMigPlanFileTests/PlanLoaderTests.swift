import Foundation
import Testing
import MailMigCore
@testable import MailMigPlanFile
import MailMigRFC2136

@Suite struct PlanLoaderTests {
    @Test func completePlanLoadsIntoTheExpectedModel() throws {
        let result = PlanFixtures.load(PlanFixtures.complete)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let plan = try #require(result.plan)
        #expect(plan.formatVersion == 1)
        #expect(plan.name == "acme-to-newmail")
        #expect(plan.source.access.endpoint == ServerEndpoint(host: "imap.acme.test", port: 993, tls: .implicit, caFile: nil, verifyCertificates: true))
        #expect(plan.target.access.endpoint?.port == 143)
        #expect(plan.target.access.endpoint?.tls == .starttls)
        #expect(plan.target.access.endpoint?.caFile == "certs/ca.pem")
        #expect(plan.source.login?.style == .masterUser)
        #expect(plan.source.login?.admin?.password == .environment("SRC_ADMIN_PASSWORD"))
        #expect(plan.target.login?.admin?.password == .file("secrets/target-admin"))
        #expect(plan.target.login?.style == .authzid)
        #expect(plan.target.login?.userFormat == "{localpart}")
        #expect(plan.source.login?.userFormat == "{address}")
        #expect(plan.target.provision?.create == ["./scripts/create-user.sh", "{target}"])
        #expect(plan.target.provision?.check == ["doveadm", "user", "{target}"])
        #expect(plan.source.connections == 8)
        #expect(plan.target.connections == MailServer.defaultConnections)
        #expect(plan.source.throttling == ThrottlingSettings())
        let throttled = PlanFixtures.load(PlanFixtures.complete.replacingOccurrences(
            of: "  connections: 8\n", with: "  connections: 8\n  throttling: { recover_after: 1m, give_up_after: 2h }\n"))
        #expect(throttled.plan?.source.throttling == ThrottlingSettings(recoverAfter: 60, giveUpAfter: 7200), "\(throttled.diagnostics)")

        let provider = try #require(plan.dns.providers["primary"])
        #expect(provider.kind == "rfc2136")
        #expect(provider.settingsPath == "dns.providers.primary.rfc2136")
        let settings = try #require(RFC2136Settings.decode(provider.settings, path: provider.settingsPath).settings)
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 5353)
        #expect(settings.key.name == "mailmig-key")
        #expect(settings.key.secret == .file("secrets/tsig.key"))

        let domain = try #require(plan.domains.first)
        #expect(domain.name == "acme.test")
        #expect(domain.route == .source)
        #expect(domain.verify?.values == ["MS=ms12345678"])
        #expect(domain.cutover?.lowerTTLTo == 300)
        let records = try #require(domain.cutover?.records)
        #expect(records.map(\.type) == [.MX, .CNAME, .TXT])
        #expect(records[1].ownerName(in: "acme.test") == "autodiscover.acme.test")
        #expect(records[2].match == "v=spf1")
        #expect(records[0].location.line == 29)

        #expect(plan.mailboxes.map(\.source.description) == ["alice@acme.test", "bob@acme.test", "carol@acme.test"])
        #expect(plan.mailboxes[1].target.description == "robert@acme.test")
        #expect(plan.mailboxes[1].tags == ["vip"])
        #expect(plan.mailboxes[0].target == plan.mailboxes[0].source)

        #expect(plan.folders.map == ["Sent Items": "Sent", "Deleted Items": "Trash"])
        #expect(plan.folders.isExcluded("Calendar/Birthdays"))
        #expect(!plan.folders.isExcluded("INBOX"))
        #expect(plan.filters.maxMessageSize?.bytes == 35_000_000)
        #expect(plan.stages.presyncOlderThan.seconds == 30 * 86_400)

        #expect(plan.batches.map(\.name) == ["pilot", "vips", "everyone"])
        #expect(plan.batches.map(\.stage) == [.sync, .presync, .prepare])
        #expect(plan.batchMembers["pilot"]?.map(\.description) == ["alice@acme.test"])
        #expect(plan.batchMembers["vips"]?.map(\.description) == ["bob@acme.test"])
        #expect(plan.batchMembers["everyone"]?.map(\.description) == ["carol@acme.test"])
    }

    @Test func minimalPlanGetsDefaults() throws {
        let result = PlanFixtures.load("""
            mailmig: 1
            name: small
            source: { imap: { host: 127.0.0.1, tls: none }, login: { admin: { user: a, password: env:A } } }
            target: { imap: { host: 127.0.0.1, port: 1143, tls: none }, login: { admin: { user: a, password: env:A } } }
            mailboxes: [x@example.com]
            """)
        let plan = try #require(result.plan, "\(result.diagnostics)")
        #expect(result.warnings.isEmpty)
        #expect(plan.source.access.endpoint?.port == 143)
        #expect(plan.batches.map(\.name) == ["all"])
        #expect(plan.batches.first?.stage == .sync)
        #expect(plan.batchMembers["all"]?.count == 1)
        #expect(plan.folders == .standard)
        #expect(plan.stages == .standard)
    }

    @Test func threeDifferentMistakesAreAllReportedWithPositions() {
        let text = PlanFixtures.complete
            .replacingOccurrences(of: "  - name: acme.test", with: "  - nmae: acme.test")
            .replacingOccurrences(of: "password: env:SRC_ADMIN_PASSWORD", with: "password: hunter2")
            .replacingOccurrences(of: "max_message_size: 35MB", with: "max_message_size: 35 parsecs")
        let result = PlanFixtures.load(text)
        #expect(result.plan == nil)
        let errors = PlanFixtures.errors(result)
        #expect(errors.contains("6:37: source.login.admin.password must be a secret reference, not the secret itself: write env:NAME or file:PATH"), "\(errors)")
        #expect(errors.contains("22:5: unknown key 'nmae' in domains[0] (did you mean 'name'?)"), "\(errors)")
        #expect(errors.contains("41:21: filters.max_message_size must be a size like 35MB, 512KiB or 1GB, found a string '35 parsecs'"), "\(errors)")
        #expect(!errors.joined().contains("hunter2"), "a literal secret must never be echoed")
    }

    @Test func fileThatDoesNotExistIsOneError() {
        let result = PlanLoader.load(path: "/nonexistent/mailmig.yaml", dnsKinds: PlanFixtures.dnsKinds)
        #expect(result.plan == nil)
        #expect(result.errors.map(\.description) == ["/nonexistent/mailmig.yaml:1:1: error: cannot read the plan file: no such file"])
    }

    @Test func warningsDoNotStopAPlan() throws {
        let text = PlanFixtures.complete.replacingOccurrences(
            of: "imap: { host: imap.acme.test, port: 993, tls: implicit }",
            with: "imap: { host: imap.acme.test, port: 993, tls: implicit, verify_certificates: false }")
        let result = PlanFixtures.load(text)
        #expect(result.plan != nil)
        #expect(result.warnings.map(\.message) == ["certificate verification is off for source.imap: anyone on the network path could impersonate imap.acme.test"])
    }
}
