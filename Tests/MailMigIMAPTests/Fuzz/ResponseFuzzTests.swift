import NIOCore
import FuzzSupport
import Testing
@testable import MailMigIMAP

/// Time-bounded mutation fuzzing of the IMAP response framer and parser, fed in random chunk sizes:
/// every input frames into responses or throws a framing error, and each response parses to a value
/// (`.unparsable` included) — never a crash.
@Suite("Fuzz: IMAP response framer and parser")
struct ResponseFuzzTests {
    @Test("Mutated server responses through framer and parser: responses or an error, never a crash")
    func framerAndParser() {
        let seeds = RobustnessTests.seeds.map { Array($0.utf8) } + [
            Array("* 3 FETCH (UID 9 BODY[HEADER.FIELDS (MESSAGE-ID)] {27}\r\nMessage-ID: <a@b>\r\n\r\n  )\r\nA2 OK done\r\n".utf8),
            Array("* CAPABILITY IMAP4rev1 LITERAL+ MULTIAPPEND UIDPLUS\r\n* OK [UNAVAILABLE] try later\r\nA1 NO [OVERQUOTA] full\r\n".utf8),
            Array("* 2 FETCH (UID 5 BODY[] {0}\r\n FLAGS ())\r\n* BYE shutting down\r\n".utf8),
        ]
        var driver = FuzzDriver(name: "imap", seeds: seeds, alphabet: RobustnessTests.interesting)
        var responses = 0
        driver.run { bytes in
            let chunk = 1 + Int(bytes.count % 37)
            _ = ResponseParser.parse(ByteBuffer(bytes: bytes))
            guard let framed = try? frameAll(bytes, chunkSize: chunk, limit: 1 << 16) else { return false }
            responses += framed.count
            return !framed.isEmpty
        }
        print("Fuzz IMAP responses: \(driver.executions) executions, \(driver.accepted) framed, \(responses) responses, seed \(FuzzDriver.seed)")
        #expect(driver.executions > 0)
    }
}
