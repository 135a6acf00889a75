import Foundation
import MailMigCore
@testable import MailMigPlanFile
import MailMigRFC2136
import Testing

/// DNS provider kinds: the loader reads `dns.providers.NAME.<kind>` through the kinds it is given.
@Suite("Plan file: DNS provider kinds")
struct DNSProviderKindTests {
    static let header = BadPlanTests.header

    /// RFC 2136 and the test-only kind, as a build with two DNS adapters would register them.
    static let bothKinds: DNSProviderRegistry = {
        var registry = PlanFixtures.dnsKinds
        registry.register(TestDNSKind.kind)
        return registry
    }()

    static func errors(_ yaml: String, kinds: DNSProviderRegistry = PlanFixtures.dnsKinds) -> [String] {
        let result = PlanLoader.load(text: yaml, file: "plan.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: kinds)
        #expect(result.plan == nil)
        return PlanFixtures.errors(result)
    }

    @Test("an unknown kind is an error at its key naming the kinds this build knows")
    func unknownKind() {
        #expect(Self.errors(Self.header + "dns: { providers: { p: { route53: { zone: x } } } }\n")
            == ["5:26: unknown DNS provider kind 'route53' in dns.providers.p; this build knows rfc2136"])
        #expect(Self.errors(Self.header + "dns:\n  providers:\n    p:\n      rfc2316: { server: ns1 }\n")
            == ["8:7: unknown DNS provider kind 'rfc2316' in dns.providers.p (did you mean 'rfc2136'?); this build knows rfc2136"])
        #expect(Self.errors(Self.header + "dns: { providers: { p: { rfc2136: { server: ns1 } } } }\n", kinds: DNSProviderRegistry())
            == ["5:26: unknown DNS provider kind 'rfc2136' in dns.providers.p; this build knows no DNS provider kind"])
        #expect(Self.errors(Self.header + "dns: { providers: { p: { route53: {} } } }\n", kinds: Self.bothKinds)
            == ["5:26: unknown DNS provider kind 'route53' in dns.providers.p; this build knows fake, rfc2136"])
    }

    @Test("each check_servers entry is checked at its own line, and a bad entry does not hide the others' errors")
    func checkServersEntries() {
        let yaml = Self.header + """
            dns:
              providers:
                p:
                  rfc2136:
                    server: 127.0.0.1
                    key: { name: k, secret: env:K }
                    check_servers:
                      - ns1.test
                      - 5
                      - "bad host:xx"

            """
        let errors = Self.errors(yaml)
        #expect(errors.contains { $0.hasPrefix("13:13:") && $0.contains("check_servers[1]") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("14:13:") && $0.contains("check_servers[2]") && $0.contains("invalid port") }, "\(errors)")
    }

    @Test("a domain naming a declared but unusable provider adds no error of its own")
    func domainOfUnusableProvider() {
        let domains = "domains: [ { name: x.test, dns: p } ]\n"
        #expect(Self.errors(Self.header + "dns: { providers: { p: { route53: { zone: x } } } }\n" + domains)
            == ["5:26: unknown DNS provider kind 'route53' in dns.providers.p; this build knows rfc2136"])
        #expect(Self.errors(Self.header + "dns: { providers: { p: { rfc2136: { key: { name: k, secret: env:K } } } } }\n" + domains)
            == ["5:35: missing value for 'server' in dns.providers.p.rfc2136"])
    }

    @Test("a provider names exactly one kind")
    func oneKind() {
        #expect(Self.errors(Self.header + "dns: { providers: { p: {} } }\n")
            == ["5:24: missing value for 'rfc2136' in dns.providers.p"])
        #expect(Self.errors(Self.header + "dns: { providers: { p: { rfc2136: } } }\n")
            == ["5:26: missing value for 'rfc2136' in dns.providers.p"])
        #expect(Self.errors(Self.header + "dns: { providers: { p: {} } }\n", kinds: Self.bothKinds)
            == ["5:24: missing value for 'fake' or 'rfc2136' in dns.providers.p"])
        let two = Self.header + "dns: { providers: { p: { fake: { endpoint: \"https://x\", zones: 1 }, rfc2136: { server: ns1, key: { name: k, secret: env:K } } } } }\n"
        #expect(Self.errors(two, kinds: Self.bothKinds)
            == ["5:69: dns.providers.p has two kinds, fake and rfc2136; declare each under a provider name of its own"])
    }

    @Test("a kind registered in a test reads its own settings, with its own located errors, several at once")
    func testKindErrors() {
        let yaml = Self.header + """
            dns:
              providers:
                p:
                  fake:
                    endpoint: http://dns.test
                    zones: 99
                    token: hunter2
                    colour: blue
            """
        #expect(Self.errors(yaml, kinds: Self.bothKinds) == [
            "9:19: dns.providers.p.fake.endpoint must start with https://, found 'http://dns.test'",
            "10:16: dns.providers.p.fake.zones must be between 1 and 10, found 99",
            "11:16: dns.providers.p.fake.token must be a secret reference, not the secret itself: write env:NAME or file:PATH",
            "12:9: unknown key 'colour' in dns.providers.p.fake; expected one of: endpoint, zones, token",
        ])
        // Without the kind, the same plan is one error about the kind, none about its settings.
        #expect(Self.errors(yaml).count == 1)
    }

    @Test("a kind registered in a test decodes its settings, and its factory makes the provider from them")
    func testKindProvider() throws {
        let yaml = Self.header + """
            dns: { providers: { edge: { fake: { endpoint: "https://dns.test", zones: 2, token: env:FAKE_TOKEN } } } }
            domains: [ { name: x.test, dns: edge } ]
            """
        let result = PlanLoader.load(text: yaml, file: "plan.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: Self.bothKinds)
        let plan = try #require(result.plan, "\(result.diagnostics)")
        let declared = try #require(plan.dns.providers["edge"])
        #expect(declared.kind == "fake")
        #expect(declared.settingsPath == "dns.providers.edge.fake")
        #expect(declared.location.line == 5)
        let made = Self.bothKinds.providers(for: plan, context: AdapterContext(baseDirectory: URL(fileURLWithPath: "/tmp")))
        let provider = try #require(made["edge"] as? TestDNSKind.Provider)
        #expect(provider.name == "edge")
        #expect(provider.settings == TestDNSKind.Settings(endpoint: "https://dns.test", zones: 2, token: .environment("FAKE_TOKEN")))
        // A build that does not know the kind loads nothing, and a registry without it makes no provider.
        #expect(DNSProviderRegistry().providers(for: plan, context: AdapterContext(baseDirectory: URL(fileURLWithPath: "/tmp"))).isEmpty)
    }

    @Test("the RFC 2136 kind still reads every setting, with its defaults")
    func rfc2136Settings() throws {
        let yaml = Self.header + """
            dns:
              providers:
                ns:
                  rfc2136:
                    server: "[2001:db8::53]:5353"
                    key: { name: mailmig-key, algorithm: hmac-sha512, secret: file:secrets/tsig.key }
                    check_servers: [ns2.test, "ns3.test:5300"]
                    timeout: 30s
                small:
                  rfc2136: { server: ns1.test, key: { name: k, secret: env:K } }
            """
        let result = PlanFixtures.load(yaml)
        let plan = try #require(result.plan, "\(result.diagnostics)")
        let full = try #require(plan.dns.providers["ns"])
        #expect(RFC2136Settings.decode(full.settings, path: full.settingsPath).settings == RFC2136Settings(
            host: "2001:db8::53", port: 5353,
            key: TSIGKeySettings(name: "mailmig-key", algorithm: "hmac-sha512", secret: .file("secrets/tsig.key")),
            checkServers: ["ns2.test", "ns3.test:5300"], timeoutSeconds: 30))
        let small = try #require(plan.dns.providers["small"])
        #expect(RFC2136Settings.decode(small.settings, path: small.settingsPath).settings == RFC2136Settings(
            host: "ns1.test", port: 53, key: TSIGKeySettings(name: "k", algorithm: "hmac-sha256", secret: .environment("K")),
            checkServers: [], timeoutSeconds: 10))
        let made = PlanFixtures.dnsKinds.providers(for: plan, context: AdapterContext(baseDirectory: URL(fileURLWithPath: "/tmp")))
        #expect(made["ns"] is RFC2136ZoneProvider && made["small"] is RFC2136ZoneProvider)
    }

    @Test("the RFC 2136 kind's errors keep their wording and positions")
    func rfc2136Errors() {
        let yaml = Self.header + """
            dns:
              providers:
                p:
                  rfc2136:
                    server: "ns1.test:0"
                    key: { name: k, algorithm: hmac-md5 }
                    check_servers: ns2.test
                    timeout: 11m
                    retries: 3
            """
        #expect(Self.errors(yaml) == [
            "9:17: dns.providers.p.rfc2136.server has an invalid port in 'ns1.test:0'; expected a number from 1 to 65535",
            "10:14: missing value for 'secret' in dns.providers.p.rfc2136.key",
            "10:36: unknown TSIG algorithm 'hmac-md5' for dns.providers.p.rfc2136.key.algorithm; expected one of hmac-sha256, hmac-sha512",
            "11:24: expected a list for dns.providers.p.rfc2136.check_servers, found a string 'ns2.test'",
            "12:18: dns.providers.p.rfc2136.timeout must be between 1s and 10m",
            "13:9: unknown key 'retries' in dns.providers.p.rfc2136; expected one of: server, key, check_servers, timeout",
        ])
    }

    @Test("a plan saved as JSON and read back keeps each provider's settings, and the kind still makes it")
    func codableRoundTrip() throws {
        let plan = try #require(PlanFixtures.load(PlanFixtures.complete).plan)
        let decoded = try JSONDecoder().decode(Plan.self, from: JSONEncoder().encode(plan))
        #expect(decoded == plan)
        let made = PlanFixtures.dnsKinds.providers(for: decoded, context: AdapterContext(baseDirectory: URL(fileURLWithPath: "/tmp")))
        #expect(made["primary"]?.name == "primary")
    }
}
