import Foundation
import MailMigCore
@testable import MailMigPlanFile
import MailMigManualDNS
import MailMigPowerDNS
import MailMigRFC2136

/// Plans shared by the loader tests.
enum PlanFixtures {
    /// The DNS provider kinds the standard build registers: RFC 2136.
    static let dnsKinds: DNSProviderRegistry = {
        var registry = DNSProviderRegistry()
        RFC2136ZoneProvider.register(in: &registry)
        return registry
    }()

    /// Every DNS provider kind of the standard build: RFC 2136, PowerDNS and manual.
    static let allDNSKinds: DNSProviderRegistry = {
        var registry = dnsKinds
        PowerDNSZoneProvider.register(in: &registry)
        ManualZoneProvider.register(in: &registry)
        return registry
    }()

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A plan that uses every section.
    static let complete = """
        mailmig: 1
        name: acme-to-newmail
        source:
          imap: { host: imap.acme.test, port: 993, tls: implicit }
          login:
            admin: { user: admin, password: env:SRC_ADMIN_PASSWORD }
            style: master-user
          connections: 8
        target:
          imap: { host: imap.newmail.test, tls: starttls, ca_file: certs/ca.pem }
          login: { admin: { user: admin, password: file:secrets/target-admin }, style: authzid, user_format: "{localpart}" }
          provision:
            check: [doveadm, user, "{target}"]
            create: [./scripts/create-user.sh, "{target}"]
        dns:
          providers:
            primary:
              rfc2136:
                server: 127.0.0.1:5353
                key: { name: mailmig-key, algorithm: hmac-sha256, secret: file:secrets/tsig.key }
        domains:
          - name: acme.test
            dns: primary
            verify: { type: TXT, value: "MS=ms12345678" }
            route: source
            cutover:
              lower_ttl_to: 300
              records:
                - { type: MX, values: ["10 mx.newmail.test."] }
                - { name: autodiscover, type: CNAME, values: ["autodiscover.newmail.test."] }
                - { type: TXT, match: "v=spf1", values: ["v=spf1 include:spf.newmail.test -all"] }
        mailboxes:
          - alice@acme.test
          - { source: bob@acme.test, target: robert@acme.test, tags: [vip] }
          - carol@acme.test
        folders:
          automap: true
          map: { "Sent Items": Sent, "Deleted Items": Trash }
          exclude: [Junk, "Calendar*"]
        filters:
          max_message_size: 35MB
        batches:
          - { name: pilot, mailboxes: [alice@acme.test], stage: sync }
          - { name: vips, select: { tags: [vip] }, stage: presync }
          - { name: everyone, select: rest, stage: prepare }
        stages:
          presync: { older_than: 30d }

        """

    static func load(_ text: String, file: String = "plan.yaml", baseDirectory: URL = URL(fileURLWithPath: "/tmp")) -> PlanLoader.Result {
        PlanLoader.load(text: text, file: file, baseDirectory: baseDirectory, dnsKinds: dnsKinds)
    }

    /// `line:col: message` of every error, for compact assertions.
    static func errors(_ result: PlanLoader.Result) -> [String] {
        result.errors.map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }
}
