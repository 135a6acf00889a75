import Testing
@testable import MailMigPOP3

/// Extended response codes (RFC 2449 §8, RFC 3206) and what a caller does about each error.
@Suite("POP3 response codes and error kinds")
struct ResponseCodeTests {
    @Test("each -ERR code maps to the kind a caller acts on", arguments: [
        ("-ERR [IN-USE] Mailbox locked", "PASS", POP3Error.Kind.transient),
        ("-ERR [LOGIN-DELAY] Wait 15 minutes", "PASS", .transient),
        ("-ERR [SYS/TEMP] Try later", "RETR", .transient),
        ("-ERR [SYS/TEMP/DISK] Try later", "RETR", .transient),
        ("-ERR [AUTH] Authentication failed.", "AUTH", .loginRefused),
        ("-ERR [SYS/PERM] Account disabled", "PASS", .permanent),
        ("-ERR [XYZZY] Something", "PASS", .permanent),
        ("-ERR invalid password", "PASS", .loginRefused),
        ("-ERR no such user", "USER", .loginRefused),
        ("-ERR no such message", "RETR", .permanent),
    ])
    func kinds(line: String, command: String, kind: POP3Error.Kind) throws {
        guard case .err(let code, let text)? = StatusLine.parse(Array(line.utf8)) else {
            Issue.record("not parsed: \(line)")
            return
        }
        #expect(POP3Error.err(server: "s", command: command, code: code, text: text).kind == kind)
    }

    @Test("status lines: +OK, -ERR with and without a code, continuations; anything else is none")
    func statusLines() {
        #expect(StatusLine.parse(Array("+OK\r\n".utf8)) == .ok(""))
        #expect(StatusLine.parse(Array("+ok done\r\n".utf8)) == .ok("done"))
        #expect(StatusLine.parse(Array("-ERR [SYS/PERM] gone\r\n".utf8)) == .err(code: .systemPermanent, text: "gone"))
        #expect(StatusLine.parse(Array("-ERR [not a code] x\r\n".utf8)) == .err(code: nil, text: "[not a code] x"))
        #expect(StatusLine.parse(Array("+ \r\n".utf8)) == .continuation(""))
        #expect(StatusLine.parse(Array("+ ZGF0YQ==\r\n".utf8)) == .continuation("ZGF0YQ=="))
        #expect(StatusLine.parse(Array("+OKAY\r\n".utf8)) == nil)
        #expect(StatusLine.parse(Array("* OK IMAP\r\n".utf8)) == nil)
    }

    @Test("errors print as one short sentence, control characters removed, long server text cut")
    func descriptions() {
        let long = POP3Error.err(server: "source", command: "RETR", code: nil, text: String(repeating: "z", count: 5000) + "\u{7}")
        #expect(long.description.count < 250)
        #expect(!long.description.contains("\u{7}"))
        #expect(POP3Error.timeout(server: "source", command: "RETR", seconds: 60).description
            == "POP3 server source did not complete its answer to RETR in time (60 seconds plus the time its progress earned)")
        #expect(POP3Error.startTLSUnavailable(server: "source", detail: "its capabilities do not list STLS").description
            == "POP3 server source cannot protect the connection with STLS (its capabilities do not list STLS); not continuing in plain text")
    }
}
