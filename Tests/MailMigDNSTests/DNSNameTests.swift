import Testing
@testable import MailMigDNS

@Suite("Domain names")
struct DNSNameTests {
    @Test("presentation text round-trips, with or without the trailing dot")
    func parseAndRender() throws {
        #expect(try DNSName("mail.Example.COM").description == "mail.Example.COM.")
        #expect(try DNSName("mail.example.com.").labels.count == 3)
        #expect(try DNSName(".") == .root)
        #expect(DNSName.root.description == ".")
    }

    @Test("names compare and hash case-insensitively")
    func caseInsensitive() throws {
        let upper = try DNSName("MX.NewMail.Test.")
        let lower = try DNSName("mx.newmail.test")
        #expect(upper == lower)
        #expect(Set([upper, lower]).count == 1)
        #expect(try DNSName("mx.newmail.test") != DNSName("mx2.newmail.test"))
    }

    @Test("escapes: dots and backslashes inside labels, decimal bytes")
    func escapes() throws {
        let name = try DNSName(#"a\.b.c\\d.\000x.example."#)
        #expect(name.labels.count == 4)
        #expect(name.labels[0] == Array("a.b".utf8))
        #expect(name.labels[1] == Array(#"c\d"#.utf8))
        #expect(name.labels[2] == [0, UInt8(ascii: "x")])
        #expect(name.description == #"a\.b.c\\d.\000x.example."#)
        #expect(try DNSName(name.description) == name)
        #expect(try DNSName(#"\065bc.test"#).labels[0] == Array("Abc".utf8))
    }

    @Test("invalid names are typed errors", arguments: ["", "a..b", ".a", #"a\"#, #"a\25"#, #"a\300"#,
                                                        String(repeating: "x", count: 64) + ".test"])
    func invalid(text: String) {
        #expect(throws: DNSParseError.self) { try DNSName(text) }
    }

    @Test("a name longer than 255 bytes on the wire is rejected")
    func tooLong() {
        let label = String(repeating: "a", count: 63)
        #expect(throws: DNSParseError.self) { try DNSName([label, label, label, label].joined(separator: ".")) }
        #expect((try? DNSName([label, label, label, String(label.prefix(61))].joined(separator: "."))) != nil)
    }

    @Test("subdomain checks and parents")
    func hierarchy() throws {
        let zone = try DNSName("acme.test")
        #expect(try DNSName("autodiscover.ACME.test").isSubdomain(of: zone))
        #expect(zone.isSubdomain(of: zone))
        #expect(try !DNSName("notacme.test").isSubdomain(of: zone))
        #expect(zone.parent == (try DNSName("test")))
        #expect(try zone.prepending("www") == DNSName("www.acme.test"))
    }
}
