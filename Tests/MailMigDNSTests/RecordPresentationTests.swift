import Testing
@testable import MailMigDNS

@Suite("Record values in presentation format")
struct RecordPresentationTests {
    @Test("each type parses and renders back to the same text", arguments: [
        (RecordType.a, "192.0.2.1"),
        (.aaaa, "2001:db8::1"),
        (.cname, "autodiscover.newmail.test."),
        (.ns, "ns1.acme.test."),
        (.mx, "10 mx.newmail.test."),
        (.txt, "\"v=spf1 include:spf.newmail.test -all\""),
        (.txt, "\"part one\" \"part two\""),
        (.soa, "ns1.acme.test. hostmaster.acme.test. 2026010101 3600 600 604800 300"),
        (.srv, "0 5 443 autodiscover.newmail.test."),
        (.caa, "0 issue \"ca.example.net\""),
        (RecordType(rawValue: 65280), "\\# 3 abcdef"),
    ])
    func roundTrip(type: RecordType, text: String) throws {
        let value = try RecordData(type: type, presentation: text)
        #expect(value.type == type)
        #expect(value.description == text)
        #expect(try RecordData(type: type, presentation: value.description) == value)
    }

    @Test("plan-style values parse to the expected typed data")
    func planValues() throws {
        #expect(try RecordData(type: .mx, presentation: "10 mx.newmail.test.")
            == .mx(preference: 10, exchange: DNSName("mx.newmail.test")))
        #expect(try RecordData(type: .a, presentation: "192.0.2.1") == .a(#require(IPv4Address("192.0.2.1"))))
        #expect(try RecordData(type: .cname, presentation: "autodiscover.newmail.test.")
            == .cname(DNSName("autodiscover.newmail.test")))
        #expect(try RecordData(type: .txt, presentation: "v=spf1 include:spf.newmail.test -all")
            == .txt([Array("v=spf1 include:spf.newmail.test -all".utf8)]))
        #expect(try RecordData(type: .aaaa, presentation: "2001:0db8:0000::0001").description == "2001:db8::1")
    }

    @Test("bare TXT text longer than 255 bytes is split into 255-byte strings")
    func longTXT() throws {
        let text = String(repeating: "a", count: 600)
        guard case .txt(let strings) = try RecordData(type: .txt, presentation: text) else {
            Issue.record("not a TXT value")
            return
        }
        #expect(strings.map(\.count) == [255, 255, 90])
        #expect(RecordData.txt(text).joinedText == text)
        #expect(RecordData.txt(String(repeating: "b", count: 255)) == .txt([Array(repeating: UInt8(ascii: "b"), count: 255)]))
    }

    @Test("quoted TXT strings keep escapes and several strings stay separate")
    func quotedTXT() throws {
        let value = try RecordData(type: .txt, presentation: #""say \"hi\"" "back\\slash" "\009tab""#)
        #expect(value == .txt([Array(#"say "hi""#.utf8), Array(#"back\slash"#.utf8), [9] + Array("tab".utf8)]))
        #expect(value.description == #""say \"hi\"" "back\\slash" "\009tab""#)
        #expect(value != .txt([Array(#"say "hi"back\slash"#.utf8) + [9] + Array("tab".utf8)]))
    }

    @Test("the generic form of a known type decodes into the typed value")
    func genericKnownType() throws {
        #expect(try RecordData(type: .a, presentation: "\\# 4 c0000201") == RecordData(type: .a, presentation: "192.0.2.1"))
    }

    @Test("a malformed value says what the type expects", arguments: [
        (RecordType.a, "192.0.2", "IPv4 address"),
        (.a, "192.0.2.256", "IPv4 address"),
        (.a, "192.0.2.01", "IPv4 address"),
        (.aaaa, "2001:db8:::1", "IPv6 address"),
        (.mx, "mx.newmail.test.", "a preference and a mail server"),
        (.mx, "70000 mx.newmail.test.", "a preference and a mail server"),
        (.cname, "a.test. b.test.", "one host name"),
        (.txt, "\"unterminated", "quoted strings"),
        (.srv, "0 5 mail.test.", "PRIORITY WEIGHT PORT TARGET"),
        (.caa, "0 is-sue \"x\"", "FLAGS TAG VALUE"),
        (RecordType(rawValue: 65280), "abc", "RFC 3597"),
        (.a, "\\# 3 c00002", "IPv4 address"),
    ])
    func invalid(type: RecordType, text: String, expected: String) {
        let error = #expect(throws: DNSParseError.self) { try RecordData(type: type, presentation: text) }
        #expect(error?.expected.contains(expected) == true)
        #expect(error?.description.contains("not a valid \(type) value") == true)
    }

    @Test("record types parse from mnemonics and the generic form")
    func types() throws {
        #expect(try RecordType("mx") == .mx)
        #expect(try RecordType("TYPE257") == .caa)
        #expect(RecordType(rawValue: 65280).description == "TYPE65280")
        #expect(throws: DNSParseError.self) { try RecordType("MAILBOX") }
    }
}
