import Testing
@testable import MailMigDNS

@Suite("Malformed messages are rejected without crashing")
struct MalformedMessageTests {
    static let vectors = [
        WireVectors.digQueryMX, WireVectors.bindResponseMX, WireVectors.bindResponseTXT,
        WireVectors.bindResponseCNAME, WireVectors.bindResponseNXDOMAIN, WireVectors.nsupdateAddSHA256,
        WireVectors.bindUpdateResponseSHA256, WireVectors.bindResponseBADSIG,
    ]

    /// A header with the given counts followed by `body`.
    static func message(questions: UInt16 = 1, answers: UInt16 = 0, _ body: [UInt8]) -> [UInt8] {
        [0x12, 0x34, 0x81, 0x00, 0, UInt8(questions), UInt8(answers >> 8), UInt8(answers & 0xFF), 0, 0, 0, 0] + body
    }

    @Test("every truncation of a captured message throws", arguments: vectors)
    func truncated(bytes: [UInt8]) {
        for length in 0..<bytes.count {
            #expect(throws: WireFormatError.self) { try DNSMessage.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test("a compression pointer to itself is a loop")
    func selfPointer() {
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(Self.message([0xC0, 12, 0, 1, 0, 1])) }
    }

    @Test("a pointer back into the name being read is a loop")
    func labelThenPointerToStart() {
        #expect(throws: WireFormatError.self) {
            try DNSMessage.decode(Self.message([1, UInt8(ascii: "a"), 0xC0, 12, 0, 1, 0, 1]))
        }
    }

    @Test("a forward pointer is rejected")
    func forwardPointer() {
        #expect(throws: WireFormatError.self) {
            try DNSMessage.decode(Self.message([0xC0, 18, 0, 1, 0, 1, 1, UInt8(ascii: "a"), 0]))
        }
    }

    @Test("a pointer cut short and reserved label types are rejected")
    func badLabels() {
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(Self.message([0xC0])) }
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(Self.message([0x41, 0, 0, 1, 0, 1])) }
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(Self.message([5, UInt8(ascii: "a")])) }
    }

    @Test("a name longer than 255 bytes is rejected, also when assembled from pointers")
    func longName() {
        let label = [63] + [UInt8](repeating: UInt8(ascii: "a"), count: 63)
        #expect(throws: WireFormatError.self) {
            try DNSMessage.decode(Self.message(label + label + label + label + [0, 0, 1, 0, 1]))
        }
        // Three labels (192 bytes) at offset 12, then a question name of two labels pointing at them.
        let stored = label + label + label + [0]
        let second = label + label + [0xC0, 12]
        #expect(throws: WireFormatError.self) {
            try DNSMessage.decode(Self.message(questions: 2, stored + [0, 1, 0, 1] + second + [0, 1, 0, 1]))
        }
    }

    @Test("an RDLENGTH beyond the message is rejected")
    func oversizeRDLength() throws {
        var bytes = WireVectors.bindResponseMX
        // The answer starts after the 12-byte header and the 15-byte question; RDLENGTH is at +10.
        let rdLength = 12 + 15 + 10
        #expect(bytes[rdLength] == 0 && bytes[rdLength + 1] == 0x13)
        bytes[rdLength] = 0xFF
        bytes[rdLength + 1] = 0xFF
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(bytes) }
        bytes[rdLength] = 0
        bytes[rdLength + 1] = 0x12
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(bytes) }
    }

    @Test("an A record of the wrong size and a TXT string longer than its record are rejected")
    func wrongRecordSizes() {
        let question: [UInt8] = [0, 0, 1, 0, 1]
        let aRecord: [UInt8] = [0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 3, 192, 0, 2]
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(Self.message(answers: 1, question + aRecord)) }
        let txtRecord: [UInt8] = [0, 0, 16, 0, 1, 0, 0, 0, 60, 0, 3, 9, 0x61, 0x62]
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(Self.message(answers: 1, question + txtRecord)) }
    }

    @Test("record counts larger than the data and trailing bytes are rejected")
    func countsAndTrailingBytes() {
        var bytes = WireVectors.bindResponseTXT
        bytes[6] = 0xFF
        bytes[7] = 0xFF
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(bytes) }
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(WireVectors.bindResponseTXT + [0]) }
    }

    @Test("a TSIG record that is not last, and a second OPT record, are rejected")
    func pseudoRecordPlacement() throws {
        var message = DNSMessage()
        message.edns = EDNS()
        var bytes = message.encode()
        let opt = Array(bytes[12...])
        bytes[11] = 2
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(bytes + opt) }
        let signed = TSIGSigner(key: TSIGKey(name: try DNSName("k"), algorithm: .hmacSHA256, secret: [1]))
            .sign(DNSMessage().encode(), at: 1).bytes
        var reordered = signed + opt
        reordered[11] = 2
        #expect(throws: WireFormatError.self) { try DNSMessage.decode(reordered) }
    }

    @Test("random corruptions of captured messages never crash the decoder")
    func fuzz() {
        var generator = SplitMix64(seed: 0x5EED)
        var decoded = 0
        for _ in 0..<20_000 {
            var bytes = Self.vectors[Int(generator.next() % UInt64(Self.vectors.count))]
            for _ in 0..<(1 + generator.next() % 4) {
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if (try? DNSMessage.decode(bytes)) != nil { decoded += 1 }
        }
        // Most single-byte changes hit data fields, so many still decode; reaching here means no trap.
        #expect(decoded > 0)
    }
}

/// A small deterministic generator so the corruption test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
