import Testing
@testable import MailMigDNS

@Suite("RFC 2136 update messages")
struct DNSUpdateTests {
    /// The sections of an nsupdate capture, to compare with a message this library builds.
    static func sections(_ bytes: [UInt8]) throws -> DNSMessage {
        var message = try DNSMessage.decode(bytes)
        message.tsig = nil
        message.tsigOffset = nil
        message.id = 0
        return message
    }

    @Test("an add matches what nsupdate sends")
    func add() throws {
        var update = DNSUpdate(zone: try DNSName("acme.test"))
        update.add(.txt("captured"), at: try DNSName("capture.acme.test"), ttl: 300)
        #expect(update.message(id: 0) == (try Self.sections(WireVectors.nsupdateAddSHA256)))
    }

    @Test("a value-dependent prerequisite with an RRset delete matches nsupdate")
    func prerequisiteAndDelete() throws {
        let name = try DNSName("capture.acme.test")
        var update = DNSUpdate(zone: try DNSName("acme.test"))
        update.requireExactly(RRset(name: name, type: .txt, ttl: 0, records: [.txt("captured")]))
        update.deleteRRset(name, type: .txt)
        #expect(update.message(id: 0) == (try Self.sections(WireVectors.nsupdateDeleteSHA512)))
    }

    @Test("an RRset-absent prerequisite matches nsupdate's prereq nxrrset")
    func absent() throws {
        var update = DNSUpdate(zone: try DNSName("acme.test"))
        update.requireAbsent(try DNSName("www.acme.test"), type: .a)
        update.add(.txt("x"), at: try DNSName("capture2.acme.test"), ttl: 300)
        #expect(update.message(id: 0) == (try Self.sections(WireVectors.nsupdatePrereqNXRRSET)))
    }

    @Test("a compare-and-swap requires the old values, deletes the RRset and adds the new one")
    func replace() throws {
        let zone = try DNSName("acme.test")
        let old = try RRset(name: zone, type: .txt, ttl: 3600, presentation: ["token=old", "v=spf1 -all"])
        let new = try RRset(name: zone, type: .txt, ttl: 300, presentation: ["token=new", "v=spf1 -all"])
        var update = DNSUpdate(zone: zone)
        update.replace(old, with: new)
        let message = update.message(id: 7)
        #expect(message.opcode == .update)
        #expect(message.questions == [Question(name: zone, type: .soa)])
        #expect(message.answers.map(\.recordClass) == [1, 1])
        #expect(message.answers.map(\.ttl) == [0, 0])
        #expect(Set(message.answers.map(\.data)) == Set(old.records))
        #expect(message.authorities.first?.recordClass == RecordClass.any)
        #expect(message.authorities.first?.type == .txt)
        #expect(Set(message.authorities.dropFirst().map(\.data)) == Set(new.records))
        #expect(message.authorities.dropFirst().allSatisfy { $0.ttl == 300 && $0.recordClass == 1 })
        #expect(update.description == """
            zone acme.test.
            prereq yxrrset acme.test. TXT "token=old"
            prereq yxrrset acme.test. TXT "v=spf1 -all"
            delete acme.test. TXT
            add acme.test. 300 TXT "token=new"
            add acme.test. 300 TXT "v=spf1 -all"
            """)
        let decoded = try DNSMessage.decode(message.encode())
        #expect(decoded == message)
    }

    @Test("creating where nothing exists requires absence; name prerequisites and single deletes use ANY and NONE")
    func otherForms() throws {
        let name = try DNSName("new.acme.test")
        var update = DNSUpdate(zone: try DNSName("acme.test"))
        update.replace(nil, with: RRset(name: name, type: .a, ttl: 60, records: [.a(try #require(IPv4Address("192.0.2.9")))]))
        update.requireNameInUse(try DNSName("acme.test"))
        update.requireNameNotInUse(try DNSName("gone.acme.test"))
        update.requireExists(try DNSName("acme.test"), type: .mx)
        update.delete(.txt("old"), at: try DNSName("acme.test"))
        update.deleteAllRRsets(try DNSName("gone.acme.test"))
        #expect(update.description == """
            zone acme.test.
            prereq nxrrset new.acme.test. A
            prereq yxdomain acme.test.
            prereq nxdomain gone.acme.test.
            prereq yxrrset acme.test. MX
            delete new.acme.test. A
            add new.acme.test. 60 A 192.0.2.9
            delete acme.test. TXT "old"
            delete gone.acme.test.
            """)
        let message = update.message(id: 1)
        #expect(message.answers.map(\.recordClass) == [254, 255, 254, 255])
        #expect(message.authorities.last?.type == .any)
        #expect(message.authorities[2].recordClass == 254)
        #expect(try DNSMessage.decode(message.encode()) == message)
    }

    @Test("requiring an empty RRset means requiring its absence")
    func emptyRequirement() throws {
        let name = try DNSName("x.acme.test")
        var exact = DNSUpdate(zone: try DNSName("acme.test"))
        exact.requireExactly(RRset(name: name, type: .txt, ttl: 0, records: []))
        var absent = DNSUpdate(zone: try DNSName("acme.test"))
        absent.requireAbsent(name, type: .txt)
        #expect(exact == absent)
    }
}
