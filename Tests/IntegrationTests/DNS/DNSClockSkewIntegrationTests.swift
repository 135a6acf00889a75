import Foundation
import Testing
@testable import MailMigDNS

@Suite("TSIG clock skew against BIND 9", .enabled(if: TestEnvironment.isEnabled))
struct DNSClockSkewIntegrationTests {
    @Test("an update signed an hour in the future is rejected as BADTIME with the skew, and changes nothing")
    func badTime() async throws {
        let env = try DNSTestServer()
        var client = DNSClient(timeout: .seconds(3), attempts: 1)
        client.clock = { UInt64(Date().timeIntervalSince1970) + 3600 }
        let name = try env.uniqueName("skew")
        var update = DNSUpdate(zone: env.zone)
        update.add(.txt("must not appear"), at: name, ttl: 60)
        let error = try await #require(throws: DNSError.self) {
            try await client.send(update, to: env.server, key: env.key)
        }
        guard case .badTime(let skew) = error.kind else {
            Issue.record("expected BADTIME, got \(error)")
            return
        }
        #expect((-3610 ... -3590).contains(skew))
        #expect(error.description.contains("clock skew"))
        #expect(try env.dig(name, .txt).isEmpty)
    }
}
