import Testing
@testable import MailMigDNS

@Suite("RRsets")
struct RRsetTests {
    @Test("equality ignores record order and name case but not the TTL")
    func setSemantics() throws {
        let first = try RRset(name: DNSName("acme.test"), type: .txt, ttl: 3600,
                              presentation: ["v=spf1 -all", "token=1"])
        let reordered = try RRset(name: DNSName("ACME.test."), type: .txt, ttl: 3600,
                                  presentation: ["token=1", "v=spf1 -all", "token=1"])
        #expect(first == reordered)
        #expect(first.hashValue == reordered.hashValue)
        var lowered = first
        lowered.ttl = 300
        #expect(first != lowered)
        #expect(first.hasSameRecords(as: lowered))
        let other = try RRset(name: DNSName("acme.test"), type: .txt, ttl: 3600, presentation: ["v=spf1 -all"])
        #expect(first != other)
    }

    @Test("names inside values compare case-insensitively")
    func valueNames() throws {
        let lower = try RRset(name: DNSName("acme.test"), type: .mx, ttl: 60, presentation: ["10 mx.newmail.test."])
        let upper = try RRset(name: DNSName("acme.test"), type: .mx, ttl: 60, presentation: ["10 MX.NewMail.Test"])
        #expect(lower == upper)
    }

    @Test("records are grouped by name and type, taking the smallest TTL")
    func grouping() throws {
        let name = try DNSName("acme.test")
        let records = [
            ResourceRecord(name: name, ttl: 300, data: .txt("a")),
            ResourceRecord(name: name, ttl: 200, data: .txt("b")),
            ResourceRecord(name: name, ttl: 300, data: .mx(preference: 10, exchange: try DNSName("mx.test"))),
        ]
        let sets = RRset.group(records)
        #expect(sets.count == 2)
        #expect(sets[0].ttl == 200)
        #expect(sets[0].records == [.txt("a"), .txt("b")])
    }

    @Test("the description lists sorted values")
    func description() throws {
        let rrset = try RRset(name: DNSName("acme.test"), type: .mx, ttl: 60, presentation: ["20 b.test.", "10 a.test."])
        #expect(rrset.description == "acme.test. 60 MX 10 a.test.; acme.test. 60 MX 20 b.test.")
    }
}
