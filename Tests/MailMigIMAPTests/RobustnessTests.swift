import NIOCore
import Testing
@testable import MailMigIMAP

/// Random and mutated input must never crash the framer or the parser.
@Suite("Robustness against random and mutated input")
struct RobustnessTests {
    /// A small deterministic generator so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds: [String] = [
        "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 UID 9 MODSEQ (6) BODY[] {5}\r\nHello)\r\n",
        "* LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
        "* STATUS INBOX (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7)\r\n",
        "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800 ALL 7,9:11,3800 COUNT 5\r\n",
        "* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))\r\n",
        "A1 OK [APPENDUID 38505 3955] APPEND completed\r\n",
        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
        "* 1 FETCH (UID 1 BINARY[] ~{3}\r\n\0\r\0)\r\n",
        "+ eyJzdGF0dXMiOiI0MDAifQ==\r\n",
        "* VANISHED (EARLIER) 300:310,405\r\n",
    ]

    static let interesting: [UInt8] = Array("(){}[]<>~+*\"\\ \r\n0123456789:,NIL".utf8) + [0, 0xFF, 0x80]

    @Test func mutatedResponsesNeverCrash() throws {
        var random = SplitMix(state: 42)
        var parsed = 0
        for _ in 0..<4000 {
            var bytes = Array(Self.seeds.randomElement(using: &random)!.utf8)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                guard !bytes.isEmpty else { break }
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = Self.interesting.randomElement(using: &random)!
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(Self.interesting.randomElement(using: &random)!, at: index)
                default: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + 8)], at: index)
                }
            }
            // Framing errors are acceptable; crashes are not.
            if let responses = try? frameAll(bytes, chunkSize: Int.random(in: 1...40, using: &random), limit: 1 << 16) {
                parsed += responses.count
            }
            _ = ResponseParser.parse(ByteBuffer(bytes: bytes))
        }
        #expect(parsed > 1000)
    }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix(state: 7)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<300, using: &random)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &random) ? Self.interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
            _ = try? frameAll(bytes, chunkSize: 17, limit: 1 << 16)
            _ = ResponseParser.parse(ByteBuffer(bytes: bytes))
            _ = ModifiedUTF7.decode(String(decoding: bytes, as: UTF8.self))
            _ = InternalDate(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        let deep = "* 1 FETCH (X-DEEP " + String(repeating: "(", count: 50_000) + String(repeating: ")", count: 50_000) + ")\r\n"
        guard case .unparsable = parse(deep) else {
            Issue.record("deep nesting accepted")
            return
        }
    }
}
