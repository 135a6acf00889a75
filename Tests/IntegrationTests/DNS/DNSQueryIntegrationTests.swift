import Foundation
import MailMigDNS
import Testing

@Suite("DNS queries against BIND 9", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct DNSQueryIntegrationTests {
    let client = DNSClient(timeout: .seconds(2), attempts: 2)

    @Test("the test zone's MX, apex TXT RRset and autodiscover CNAME are served as configured")
    func zoneContents() async throws {
        let env = try DNSTestServer()
        let mx = try await client.query(env.zone, type: .mx, server: env.server)
        #expect(mx.rcode == .noError)
        #expect(mx.isAuthoritative)
        #expect(mx.rrset?.records == [try RecordData(type: .mx, presentation: "10 mx.oldmail.test.")])
        #expect(mx.rrset?.ttl == 3600)

        let txt = try #require(try await client.query(env.zone, type: .txt, server: env.server).rrset)
        let texts = Set(txt.records.compactMap(\.joinedText))
        #expect(texts.contains("v=spf1 include:spf.oldmail.test -all"))
        #expect(texts.contains { $0.hasPrefix("mailmig-verification=") })

        let autodiscover = try env.zone.prepending("autodiscover")
        let cname = try await client.query(autodiscover, type: .cname, server: env.server)
        #expect(cname.rrset?.records == [.cname(try DNSName("autodiscover.oldmail.test."))])
    }

    @Test("a missing name is NXDOMAIN with the zone's SOA, not an error")
    func missingName() async throws {
        let env = try DNSTestServer()
        let result = try await client.query(try env.uniqueName("missing"), type: .a, server: env.server)
        #expect(result.rcode == .nameError)
        #expect(result.rrset == nil)
        #expect(result.authorities.first?.type == .soa)
    }

    @Test("the zone's authority is found from a name inside it, with in-zone server addresses")
    func authority() async throws {
        let env = try DNSTestServer()
        let inside = try env.zone.prepending("autodiscover")
        let authority = try await client.findAuthority(for: inside, server: env.server)
        #expect(authority.zone == env.zone)
        #expect(authority.soa.primaryServer == (try env.zone.prepending("ns1")))
        #expect(authority.nameServers == [NameServer(name: try env.zone.prepending("ns1"), addresses: ["127.0.0.1"])])
        #expect(authority.servers(port: env.server.port) == [env.server])
    }

    @Test("an answer too big for UDP is fetched again over TCP")
    func truncatedAnswerFallsBackToTCP() async throws {
        let env = try DNSTestServer()
        let name = try env.uniqueName("big")
        let values = (0..<40).map { "record-\($0)-" + String(repeating: "x", count: 60) }
        var update = DNSUpdate(zone: env.zone)
        update.add(RRset(name: name, type: .txt, ttl: 60, records: values.map { RecordData.txt($0) }))
        try await client.send(update, to: env.server, key: env.key)

        let result = try await client.query(name, type: .txt, server: env.server)
        #expect(result.rrset?.records.count == 40)
        #expect(Set(result.rrset?.records.compactMap(\.joinedText) ?? []) == Set(values))
        try await cleanUp(name, env: env)
    }

    private func cleanUp(_ name: DNSName, env: DNSTestServer) async throws {
        var update = DNSUpdate(zone: env.zone)
        update.deleteAllRRsets(name)
        try await client.send(update, to: env.server, key: env.key)
    }
}
