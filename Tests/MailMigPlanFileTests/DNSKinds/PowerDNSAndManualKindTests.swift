import Foundation
import MailMigCore
@testable import MailMigPlanFile
import Testing

/// The `powerdns` and `manual` kinds and `dns: none`, as the loader reads them.
@Suite("Plan file: PowerDNS, manual and mail-only domains")
struct PowerDNSAndManualKindTests {
    static let header = BadPlanTests.header

    static func load(_ yaml: String) -> PlanLoader.Result {
        PlanLoader.load(text: yaml, file: "plan.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: PlanFixtures.allDNSKinds)
    }

    static func domain(_ dns: String, extra: String = "") -> String {
        "domains:\n  - name: acme.test\n    dns: \(dns)\n\(extra)"
    }

    @Test("a complete powerdns provider loads, with server_id defaulting to localhost")
    func powerDNSLoads() throws {
        let yaml = Self.header + """
            dns:
              providers:
                pdns:
                  powerdns: { api_url: "http://127.0.0.1:8081/", api_key: env:PDNS_KEY, check_servers: ["127.0.0.1:5300"] }

            """ + Self.domain("pdns")
        let result = Self.load(yaml)
        #expect(PlanFixtures.errors(result) == [])
        let provider = try #require(result.plan?.dns.providers["pdns"])
        #expect(provider.kind == "powerdns")
        #expect(result.plan?.domains.first?.dnsProvider == "pdns")
    }

    @Test("powerdns settings: the missing key, an address with /api/v1, ca_file on http and a bad timeout are each an error at its line")
    func powerDNSErrors() {
        let yaml = Self.header + """
            dns:
              providers:
                a:
                  powerdns: { api_url: "http://127.0.0.1:8081" }
                b:
                  powerdns: { api_url: "http://127.0.0.1:8081/api/v1", api_key: env:K }
                c:
                  powerdns: { api_url: "http://127.0.0.1:8081", api_key: env:K, ca_file: ca.pem }
                d:
                  powerdns: { api_url: "ftp://x", api_key: env:K, timeout: 0s }

            """
        let errors = PlanFixtures.errors(Self.load(yaml))
        #expect(errors.contains { $0.hasPrefix("8:17: missing value for 'api_key' in dns.providers.a.powerdns") })
        #expect(errors.contains("10:28: dns.providers.b.powerdns.api_url is the server's address without /api/v1, like http://127.0.0.1:8081; found 'http://127.0.0.1:8081/api/v1'"))
        #expect(errors.contains("12:69: dns.providers.c.powerdns.ca_file is for an https:// api_url; http://127.0.0.1:8081 is plain http"))
        #expect(errors.contains("14:28: dns.providers.d.powerdns.api_url must be an http:// or https:// address like http://127.0.0.1:8081, found 'ftp://x'"))
        #expect(errors.contains { $0.hasPrefix("14:64: dns.providers.d.powerdns.timeout must be between 1s and 10m") })
    }

    @Test("plain http to another machine warns that the API key crosses the network unencrypted; loopback does not")
    func plainHTTPWarning() {
        let remote = Self.load(Self.header + "dns: { providers: { p: { powerdns: { api_url: \"http://pdns.acme.test:8081\", api_key: env:K } } } }\n")
        #expect(remote.diagnostics.contains { $0.severity == .warning && $0.message.contains("the API key crosses the network unencrypted") })
        let local = Self.load(Self.header + "dns: { providers: { p: { powerdns: { api_url: \"http://127.0.0.1:8081\", api_key: env:K } } } }\n")
        #expect(!local.diagnostics.contains { $0.severity == .warning })
    }

    @Test("manual: with nothing under it, with {} and with check_servers all load; a bad entry is an error")
    func manualForms() {
        for settings in ["manual:", "manual: {}", "manual: { check_servers: [\"127.0.0.1:15353\", ns1.acme.test] }"] {
            let yaml = Self.header + "dns:\n  providers:\n    hand:\n      \(settings)\n" + Self.domain("hand")
            #expect(PlanFixtures.errors(Self.load(yaml)) == [], "\(settings)")
        }
        let bad = Self.header + "dns:\n  providers:\n    hand:\n      manual: { check_servers: [\"x:notaport\"], color: red }\n"
        let errors = PlanFixtures.errors(Self.load(bad))
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("8:48: unknown key 'color' in dns.providers.hand.manual") })
    }

    @Test("dns: none loads a mail-only domain without a dns: section; with verify: or cutover: it is an error at each key")
    func mailOnlyDomain() throws {
        let plain = Self.load(Self.header + Self.domain("none", extra: "    route: target\n"))
        #expect(PlanFixtures.errors(plain) == [])
        #expect(plain.diagnostics.filter { $0.severity == .warning }.isEmpty)
        let domain = try #require(plain.plan?.domains.first)
        #expect(domain.dnsProvider == nil)
        #expect(domain.route == .target)

        let withRecords = Self.load(Self.header + Self.domain("none", extra: """
                verify: { type: TXT, value: "MS=1" }
                cutover:
                  records: [{ type: MX, values: ["10 mx.new.test."] }]

            """))
        #expect(PlanFixtures.errors(withRecords) == [
            "8:5: domains[0].verify needs a DNS provider, but domains[0].dns is none (mail only: mailmig changes and checks no record); name a provider of dns.providers or remove verify:",
            "9:5: domains[0].cutover needs a DNS provider, but domains[0].dns is none (mail only: mailmig changes and checks no record); name a provider of dns.providers or remove cutover:",
        ])
    }

    @Test("a provider may not be named none")
    func providerNamedNone() {
        let errors = PlanFixtures.errors(Self.load(Self.header + "dns:\n  providers:\n    none:\n      manual: {}\n"))
        #expect(errors == ["7:5: a DNS provider cannot be named none: `dns: none` marks a mail-only domain; choose another name"])
    }
}
