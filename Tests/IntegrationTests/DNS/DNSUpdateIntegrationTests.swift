import Foundation
import MailMigDNS
import Testing

@Suite("RFC 2136 updates against BIND 9", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct DNSUpdateIntegrationTests {
    let client = DNSClient(timeout: .seconds(3), attempts: 2)

    @Test("an update signed with the hmac-sha256 key is applied and dig sees it", arguments: [false, true])
    func updateWithRightKey(useSHA512: Bool) async throws {
        let env = try DNSTestServer()
        let key = useSHA512 ? env.key512 : env.key
        let name = try env.uniqueName("added")
        var add = DNSUpdate(zone: env.zone)
        add.requireNameNotInUse(name)
        add.add(try RecordData(type: .a, presentation: "192.0.2.55"), at: name, ttl: 120)
        add.add(.txt("added with \(key.algorithm)"), at: name, ttl: 120)
        try await client.send(add, to: env.server, key: key)

        #expect(try env.dig(name, .a) == ["192.0.2.55"])
        #expect(try env.dig(name, .txt) == ["\"added with \(key.algorithm)\""])

        var remove = DNSUpdate(zone: env.zone)
        remove.requireNameInUse(name)
        remove.deleteAllRRsets(name)
        try await client.send(remove, to: env.server, key: key)
        #expect(try env.dig(name, .a).isEmpty)
    }

    @Test("a wrong secret is rejected as BADSIG and changes nothing")
    func wrongSecret() async throws {
        let env = try DNSTestServer()
        let wrongKey = TSIGKey(name: env.key.name, algorithm: env.key.algorithm, secret: Array(repeating: 7, count: 32))
        let name = try env.uniqueName("wrong")
        var update = DNSUpdate(zone: env.zone)
        update.add(.txt("must not appear"), at: name, ttl: 60)
        let error = try await #require(throws: DNSError.self) {
            try await client.send(update, to: env.server, key: wrongKey)
        }
        #expect(error.kind == .badSignature(key: env.key.name.description))
        #expect(error.description.contains("\(env.server)"))
        #expect(error.description.contains("is the secret right?"))
        #expect(try env.dig(name, .txt).isEmpty)
    }

    @Test("an unknown key name is rejected as BADKEY")
    func unknownKey() async throws {
        let env = try DNSTestServer()
        let unknown = TSIGKey(name: try DNSName("no-such-key"), algorithm: .hmacSHA256, secret: Array(repeating: 1, count: 32))
        var update = DNSUpdate(zone: env.zone)
        update.add(.txt("must not appear"), at: try env.uniqueName("unknown"), ttl: 60)
        let error = try await #require(throws: DNSError.self) {
            try await client.send(update, to: env.server, key: unknown)
        }
        #expect(error.kind == .badKey(key: "no-such-key."))
    }

    @Test("a valid key the zone does not grant is REFUSED with a hint about the key")
    func keyNotGranted() async throws {
        let env = try DNSTestServer()
        let name = try env.uniqueName("refused")
        var update = DNSUpdate(zone: env.zone)
        update.add(.txt("must not appear"), at: name, ttl: 60)
        let error = try await #require(throws: DNSError.self) {
            try await client.send(update, to: env.server, key: env.ungrantedKey)
        }
        #expect(error.kind == .refused)
        #expect(error.description.contains("is the key allowed to update this zone?"))
        #expect(try env.dig(name, .txt).isEmpty)
    }

    @Test("an unsigned update is refused")
    func unsignedUpdate() async throws {
        let env = try DNSTestServer()
        var update = DNSUpdate(zone: env.zone)
        update.add(.txt("must not appear"), at: try env.uniqueName("unsigned"), ttl: 60)
        let error = try await #require(throws: DNSError.self) {
            try await client.send(update, to: env.server, key: nil)
        }
        #expect(error.kind == .refused)
    }

    @Test("a compare-and-swap fails when nsupdate changed the RRset in between, and reports the new value")
    func prerequisiteFailsAfterConcurrentChange() async throws {
        let env = try DNSTestServer()
        let name = try env.uniqueName("cas")
        let planned = RRset(name: name, type: .txt, ttl: 300, records: [.txt("planned-from")])
        var create = DNSUpdate(zone: env.zone)
        create.replace(nil, with: planned)
        try await client.send(create, to: env.server, key: env.key)
        let read = try #require(try await client.query(name, type: .txt, server: env.server).rrset)
        #expect(read.hasSameRecords(as: planned))

        try env.nsupdate(["update delete \(name) TXT", "update add \(name) 300 TXT \"changed-by-someone-else\""])

        var swap = DNSUpdate(zone: env.zone)
        swap.replace(read, with: RRset(name: name, type: .txt, ttl: 300, records: [.txt("our-new-value")]))
        let error = try await #require(throws: DNSError.self) {
            try await client.send(swap, to: env.server, key: env.key)
        }
        guard case .prerequisiteFailed(let code, let current) = error.kind else {
            Issue.record("expected a failed prerequisite, got \(error)")
            return
        }
        #expect(code == .nxRRset)
        #expect(current.flatMap(\.records) == [.txt("changed-by-someone-else")])
        #expect(error.description.contains("the record changed since it was planned"))
        #expect(error.description.contains("changed-by-someone-else"))
        #expect(try env.dig(name, .txt) == ["\"changed-by-someone-else\""])

        var cleanUp = DNSUpdate(zone: env.zone)
        cleanUp.deleteAllRRsets(name)
        try await client.send(cleanUp, to: env.server, key: env.key)
    }

    @Test("lowering the MX TTL, switching the MX and restoring it are visible to queries")
    func switchAndRestoreMX() async throws {
        let env = try DNSTestServer()
        let zone = env.otherZone
        let original = try #require(try await client.query(zone, type: .mx, server: env.server).rrset)

        var lower = DNSUpdate(zone: zone)
        var lowered = original
        lowered.ttl = 300
        lower.replace(original, with: lowered)
        try await client.send(lower, to: env.server, key: env.key)
        #expect(try await client.query(zone, type: .mx, server: env.server).rrset == lowered)
        #expect(try env.digTTL(zone, .mx) == 300)

        let switched = try RRset(name: zone, type: .mx, ttl: 300, presentation: ["10 mx.newmail.test."])
        var swap = DNSUpdate(zone: zone)
        swap.replace(lowered, with: switched)
        try await client.send(swap, to: env.server, key: env.key512)
        #expect(try await client.query(zone, type: .mx, server: env.server).rrset == switched)
        #expect(try env.dig(zone, .mx) == ["10 mx.newmail.test."])

        var restore = DNSUpdate(zone: zone)
        restore.replace(switched, with: original)
        try await client.send(restore, to: env.server, key: env.key)
        #expect(try await client.query(zone, type: .mx, server: env.server).rrset == original)
        #expect(try env.digTTL(zone, .mx) == Int(original.ttl))
    }

    @Test("replacing the verification TXT keeps the SPF TXT of the same RRset")
    func apexTXTCompareAndSwap() async throws {
        let env = try DNSTestServer()
        let zone = env.otherZone
        let original = try #require(try await client.query(zone, type: .txt, server: env.server).rrset)
        let spf = try #require(original.records.first { $0.joinedText?.hasPrefix("v=spf1") == true })
        let changed = RRset(name: zone, type: .txt, ttl: original.ttl, records: [spf, .txt("mailmig-verification=new-token")])

        var swap = DNSUpdate(zone: zone)
        swap.replace(original, with: changed)
        try await client.send(swap, to: env.server, key: env.key)
        #expect(try await client.query(zone, type: .txt, server: env.server).rrset == changed)
        #expect(try env.dig(zone, .txt).contains("\"mailmig-verification=new-token\""))

        var restore = DNSUpdate(zone: zone)
        restore.replace(changed, with: original)
        try await client.send(restore, to: env.server, key: env.key)
        #expect(try await client.query(zone, type: .txt, server: env.server).rrset == original)
    }

    @Test("a TXT value longer than 255 bytes is split into strings and read back whole")
    func longTXT() async throws {
        let env = try DNSTestServer()
        let name = try env.uniqueName("long")
        let text = String(repeating: "0123456789", count: 60)
        var add = DNSUpdate(zone: env.zone)
        add.add(.txt(text), at: name, ttl: 60)
        try await client.send(add, to: env.server, key: env.key)

        let rrset = try #require(try await client.query(name, type: .txt, server: env.server).rrset)
        #expect(rrset.records.first?.joinedText == text)
        guard case .txt(let strings) = rrset.records.first else {
            Issue.record("expected a TXT record")
            return
        }
        #expect(strings.map(\.count) == [255, 255, 90])
        let digged = try env.dig(name, .txt)
        #expect(digged.count == 1 && digged[0].components(separatedBy: "\" \"").count == 3)

        var remove = DNSUpdate(zone: env.zone)
        remove.deleteRRset(name, type: .txt)
        try await client.send(remove, to: env.server, key: env.key)
    }

    @Test("a name outside the zone is rejected before anything is sent")
    func outsideZone() async throws {
        let env = try DNSTestServer()
        var update = DNSUpdate(zone: env.zone)
        update.add(.txt("x"), at: try DNSName("elsewhere.invalid."), ttl: 60)
        let error = try await #require(throws: DNSError.self) {
            try await client.send(update, to: env.server, key: env.key)
        }
        #expect(error.kind == .notZone)
    }
}
