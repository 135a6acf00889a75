import Foundation
import MailMigCore
import MailMigPowerDNS
import Testing

/// The PowerDNS provider against the test PowerDNS server's `acme.test` zone: reads, writes and each
/// kind of refusal, as one sentence naming the API.
@Suite("PowerDNS provider against PowerDNS 4.7", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct PowerDNSProviderIntegrationTests {
    let apiURL: String
    let keyFile: String
    let folder = URL(fileURLWithPath: "/")

    init() throws {
        apiURL = try TestEnvironment.require("MAILMIG_TEST_PDNS_API_URL")
        keyFile = try TestEnvironment.require("MAILMIG_TEST_PDNS_API_KEY_FILE")
    }

    func provider(apiURL: String? = nil, key: SecretReference? = nil, serverID: String = "localhost", timeout: Int = 5) -> PowerDNSZoneProvider {
        let settings = PowerDNSSettings(apiURL: apiURL ?? self.apiURL, apiKey: key ?? .file(keyFile), serverID: serverID, timeoutSeconds: timeout)
        return PowerDNSZoneProvider(name: "pdns", settings: settings, baseDirectory: folder)
    }

    /// A name of its own per test, so a failed run leaves nothing another test reads.
    func key(_ label: String, _ type: DNSRecordType) -> RRsetKey {
        RRsetKey(domain: "acme.test", owner: "\(label)-\(UInt32.random(in: 0...UInt32.max))", type: type)
    }

    func change(_ key: RRsetKey, from expected: RRsetSnapshot?, to desired: RRsetSnapshot?) -> DNSChange {
        DNSChange(key: key, provider: "pdns", expected: expected, desired: desired, original: expected, phase: .source, forget: false)
    }

    @Test("the zone's records read back in the plan's presentation format, TXT quoted and MX with its trailing dot")
    func readsZone() async throws {
        let pdns = provider()
        #expect(try await pdns.read(RRsetKey(domain: "acme.test", owner: "@", type: .MX)) == RRsetSnapshot(ttl: 3600, values: ["10 mx.oldmail.test."]))
        let txt = try #require(try await pdns.read(RRsetKey(domain: "acme.test", owner: "@", type: .TXT)))
        #expect(txt.values.contains("\"v=spf1 include:spf.oldmail.test -all\""))
        #expect(try await pdns.read(RRsetKey(domain: "acme.test", owner: "nothing-here", type: .A)) == nil)
        #expect(pdns.capabilities.writes == .readCheckWrite)
    }

    @Test("a replace, a TTL change, a TXT longer than one string and a delete land as written")
    func writesRRsets() async throws {
        let pdns = provider()
        let a = key("rrset", .A)
        let first = RRsetSnapshot(ttl: 120, values: ["192.0.2.10", "192.0.2.11"])
        try await pdns.write(change(a, from: nil, to: first))
        #expect(try await pdns.read(a) == first)
        let lowered = RRsetSnapshot(ttl: 60, values: first.values)
        try await pdns.write(change(a, from: first, to: lowered))
        #expect(try await pdns.read(a) == lowered)
        #expect(try await pdns.waitUntilVisible(a, lowered))
        try await pdns.write(change(a, from: lowered, to: nil))
        #expect(try await pdns.read(a) == nil)

        let txt = key("long", .TXT)
        let long = try pdns.normalize(String(repeating: "v=spf1 include:spf.example.test ", count: 12) + "-all", type: .TXT)
        let snapshot = RRsetSnapshot(ttl: 300, values: [long])
        try await pdns.write(change(txt, from: nil, to: snapshot))
        #expect(try await pdns.read(txt) == snapshot)
        try await pdns.write(change(txt, from: snapshot, to: nil))
    }

    @Test("a wrong key, an unknown server id, a zone the server does not serve and a refused value are one sentence each")
    func refusals() async throws {
        let mx = RRsetKey(domain: "acme.test", owner: "@", type: .MX)
        let wrongKey = provider(key: .environment("MAILMIG_TEST_PDNS_WRONG_KEY"))
        let missing = try await #require(throws: ProviderError.self) { try await wrongKey.read(mx) }
        #expect("\(missing)".contains("DNS provider pdns: the API key: "))

        setenv("MAILMIG_PDNS_INTEGRATION_WRONG_KEY", "not-the-key", 1)
        let refused = provider(key: .environment("MAILMIG_PDNS_INTEGRATION_WRONG_KEY"))
        let unauthorized = try await #require(throws: ProviderError.self) { try await refused.read(mx) }
        #expect("\(unauthorized)" == "DNS provider pdns for acme.test MX: the PowerDNS API at \(apiURL) refused the API key (401 Unauthorized); check api_key")

        let otherServer = provider(serverID: "elsewhere")
        let notFound = try await #require(throws: ProviderError.self) { try await otherServer.read(mx) }
        #expect("\(notFound)".contains("answered 404 Not Found"))
        #expect("\(notFound)".contains("check server_id (elsewhere)"))

        let outside = try await #require(throws: ProviderError.self) {
            try await provider().read(RRsetKey(domain: "nowhere.test", owner: "@", type: .MX))
        }
        #expect("\(outside)".contains("has no zone holding nowhere.test (it serves acme.test., cutover.test.)"))

        // An address beside the autodiscover CNAME: PowerDNS refuses it and names the conflict.
        let conflict = RRsetKey(domain: "acme.test", owner: "autodiscover", type: .A)
        let rejected = try await #require(throws: ProviderError.self) {
            try await provider().write(change(conflict, from: nil, to: RRsetSnapshot(ttl: 60, values: ["192.0.2.1"])))
        }
        #expect("\(rejected)".contains("rejected the change (422): RRset autodiscover.acme.test. IN A: Conflicts with pre-existing RRset"))
    }

    @Test("an API nobody answers is retried, then named with the reason")
    func noAnswer() async throws {
        // The client keeps trying to connect until the timeout, three times, 1 s and 3 s apart.
        let down = provider(apiURL: "http://127.0.0.1:9", timeout: 1)
        let started = ContinuousClock.now
        let error = try await #require(throws: ProviderError.self) { try await down.read(RRsetKey(domain: "acme.test", owner: "@", type: .MX)) }
        #expect("\(error)".contains("the PowerDNS API at http://127.0.0.1:9 did not answer: connection refused"))
        #expect(ContinuousClock.now - started >= .seconds(4))
    }
}
