import Foundation
import Testing
@testable import MailMigDNS

@Suite("Wire format: captured and RFC vectors")
struct WireVectorTests {
    @Test("dig's query decodes, and encoding it again gives dig's exact bytes")
    func digQuery() throws {
        let message = try DNSMessage.decode(WireVectors.digQueryMX)
        #expect(!message.isResponse)
        #expect(message.opcode == .query)
        #expect(message.recursionDesired)
        #expect(message.authenticData)
        #expect(message.questions == [Question(name: try DNSName("acme.test"), type: .mx)])
        let edns = try #require(message.edns)
        #expect(edns.udpPayloadSize == 1232)
        #expect(edns.options.map(\.code) == [10])
        #expect(edns.options.first?.data.count == 8)
        #expect(message.encode() == WireVectors.digQueryMX)
    }

    @Test("BIND's MX answer decodes with the AA bit and EDNS cookie")
    func mxAnswer() throws {
        let message = try DNSMessage.decode(WireVectors.bindResponseMX)
        #expect(message.isResponse && message.isAuthoritative && !message.isTruncated)
        #expect(message.rcode == .noError)
        #expect(message.answers == [ResourceRecord(name: try DNSName("acme.test"), ttl: 3600,
                                                   data: .mx(preference: 10, exchange: try DNSName("mx.oldmail.test")))])
        #expect(message.edns?.options.first?.code == 10)
    }

    @Test("BIND's apex TXT answer holds the verification and SPF strings, names compressed")
    func txtAnswer() throws {
        let message = try DNSMessage.decode(WireVectors.bindResponseTXT)
        let rrset = try #require(RRset.group(message.answers).first)
        #expect(rrset == (try RRset(name: DNSName("acme.test"), type: .txt, ttl: 3600,
                                   presentation: ["mailmig-verification=acme-0001", "v=spf1 include:spf.oldmail.test -all"])))
    }

    @Test("a CNAME answer and an NXDOMAIN answer decode")
    func cnameAndNXDOMAIN() throws {
        let cname = try DNSMessage.decode(WireVectors.bindResponseCNAME)
        #expect(cname.answers.map(\.data) == [.cname(try DNSName("autodiscover.oldmail.test"))])
        let missing = try DNSMessage.decode(WireVectors.bindResponseNXDOMAIN)
        #expect(missing.rcode == .nameError)
        #expect(missing.answers.isEmpty)
        guard case .soa(let soa) = missing.authorities.first?.data else {
            Issue.record("expected an SOA in the authority section")
            return
        }
        #expect(soa.serial == 2026010101)
        #expect(soa.minimum == 300)
        #expect(soa.responsibleMailbox == (try DNSName("hostmaster.acme.test")))
    }

    @Test("every captured message survives decode, encode and decode again", arguments: [
        WireVectors.digQueryMX, WireVectors.bindResponseMX, WireVectors.bindResponseTXT,
        WireVectors.bindResponseCNAME, WireVectors.bindResponseNXDOMAIN,
    ])
    func roundTrip(bytes: [UInt8]) throws {
        let message = try DNSMessage.decode(bytes)
        let again = try DNSMessage.decode(message.encode())
        #expect(again == message)
    }

    @Test("the RFC 1035 §4.1.4 compression example decodes all three names")
    func rfc1035Compression() throws {
        var bytes = [UInt8](repeating: 0, count: 20)
        bytes += [1, UInt8(ascii: "F"), 3] + Array("ISI".utf8) + [4] + Array("ARPA".utf8) + [0]
        bytes += [UInt8](repeating: 0, count: 40 - bytes.count)
        bytes += [3] + Array("FOO".utf8) + [0xC0, 20]
        bytes += [UInt8](repeating: 0, count: 64 - bytes.count)
        bytes += [0xC0, 26]
        var reader = WireReader(bytes, offset: 20)
        #expect(try reader.readName() == DNSName("F.ISI.ARPA"))
        reader = WireReader(bytes, offset: 40)
        #expect(try reader.readName() == DNSName("FOO.F.ISI.ARPA"))
        #expect(reader.offset == 46)
        reader = WireReader(bytes, offset: 64)
        #expect(try reader.readName() == DNSName("ARPA"))
        #expect(reader.offset == 66)
    }

    @Test("encoding compresses repeated names and never compresses SRV targets")
    func compression() throws {
        let zone = try DNSName("example.test")
        var message = DNSMessage()
        message.isResponse = true
        message.questions = [Question(name: zone, type: .mx)]
        message.answers = [
            ResourceRecord(name: zone, ttl: 60, data: .mx(preference: 10, exchange: try DNSName("mx.example.test"))),
            ResourceRecord(name: try DNSName("_imaps._tcp.example.test"), ttl: 60,
                           data: .srv(priority: 0, weight: 1, port: 993, target: try DNSName("mx.example.test"))),
        ]
        let bytes = message.encode()
        // The answer's owner is a pointer to the question name at offset 12.
        let question = 12 + 14 + 4
        #expect(Array(bytes[question..<question + 2]) == [0xC0, 0x0C])
        let uncompressedTarget: [UInt8] = [2, 0x6D, 0x78, 7, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 4, 0x74, 0x65, 0x73, 0x74, 0]
        #expect(Array(bytes.suffix(17)) == uncompressedTarget)
        #expect(try DNSMessage.decode(bytes) == message)
    }

    @Test("EDNS extended response codes combine with the header's four bits")
    func extendedRcode() throws {
        var message = DNSMessage()
        message.isResponse = true
        message.rcode = ResponseCode(rawValue: 16)
        message.edns = EDNS()
        #expect(try DNSMessage.decode(message.encode()).rcode == ResponseCode(rawValue: 16))
    }

    @Test("every record type survives the wire", arguments: [
        (RecordType.a, "192.0.2.1"), (.aaaa, "2001:db8::53"), (.cname, "a.example.test."), (.ns, "ns.example.test."),
        (.mx, "5 mx.example.test."), (.txt, "\"one\" \"two\" \"\""), (.soa, "ns.test. host.test. 1 2 3 4 5"),
        (.srv, "1 2 3 srv.example.test."), (.caa, "128 tbs \"\\000bin\""), (RecordType(rawValue: 4242), "\\# 2 0102"),
    ])
    func recordRoundTrip(type: RecordType, text: String) throws {
        let data = try RecordData(type: type, presentation: text)
        var message = DNSMessage()
        message.answers = [ResourceRecord(name: try DNSName("example.test"), ttl: 1, data: data)]
        #expect(try DNSMessage.decode(message.encode()).answers.first?.data == data)
        #expect(try RecordData(type: type, presentation: "\\# \(data.uncompressedBytes.count) "
            + data.uncompressedBytes.map { String(format: "%02x", $0) }.joined()) == data)
    }
}
