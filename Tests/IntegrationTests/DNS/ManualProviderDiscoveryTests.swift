import Foundation
import MailMigCore
import MailMigDNS
import MailMigManualDNS
import Testing

/// The manual provider without `check_servers`: it finds the zone's authoritative servers from the NS
/// records and reads there. The test BIND server plays both the resolver and the zone's name server
/// (its `ns1` has the address 127.0.0.1), on its own port.
@Suite("Manual DNS provider: the zone's own servers", .enabled(if: TestEnvironment.isEnabled))
struct ManualProviderDiscoveryTests {
    @Test("with no check_servers the records are read at the servers the zone's NS records name")
    func readsAtAuthoritativeServers() async throws {
        let env = try DNSTestServer()
        let bind = DNSServer(host: env.server.host, port: env.server.port)
        let manual = ManualZoneProvider(name: "registrar", settings: ManualSettings(checkServers: [], timeoutSeconds: 3),
                                        resolver: bind, nameServerPort: env.server.port)
        let mx = try #require(try await manual.read(RRsetKey(domain: "example.test", owner: "@", type: .MX)))
        #expect(mx.values == ["10 mx.oldmail.test."])
        #expect(try await manual.waitUntilVisible(RRsetKey(domain: "example.test", owner: "@", type: .MX), mx))
        #expect(manual.capabilities.writes == .byOperator)
    }

    @Test("a resolver that cannot be reached is one sentence asking for check_servers")
    func unreachableResolver() async throws {
        let manual = ManualZoneProvider(name: "registrar", settings: ManualSettings(checkServers: [], timeoutSeconds: 1),
                                        resolver: DNSServer(host: "127.0.0.1", port: 9))
        let error = try await #require(throws: ProviderError.self) {
            try await manual.read(RRsetKey(domain: "example.test", owner: "@", type: .MX))
        }
        #expect("\(error)".hasPrefix("DNS provider registrar: finding the name servers of example.test: "))
        #expect("\(error)".hasSuffix("list the zone's servers in check_servers"))
    }
}
