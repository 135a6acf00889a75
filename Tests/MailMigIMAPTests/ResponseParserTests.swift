import NIOCore
import Testing
@testable import MailMigIMAP

@Suite("Response parser: RFC 3501 and extension examples")
struct ResponseParserTests {
    @Test func taggedCompletionWithCode() {
        let response = parse("A142 OK [READ-WRITE] SELECT completed")
        #expect(response == .tagged(tag: "A142", StatusResponseLine(status: .ok, code: .readWrite, text: "SELECT completed")))
    }

    @Test func taggedNoWithTryCreate() {
        guard case .tagged(let tag, let line) = parse("A003 NO [TRYCREATE] Mailbox doesn't exist: Foo") else {
            Issue.record("not tagged")
            return
        }
        #expect(tag == "A003")
        #expect(line.status == .no)
        #expect(line.code == .tryCreate)
        #expect(line.text == "Mailbox doesn't exist: Foo")
    }

    @Test func continuationRequest() {
        #expect(parse("+ Ready for additional command text") == .continuation("Ready for additional command text"))
        #expect(parse("+") == .continuation(""))
    }

    @Test func responseCodes() {
        func code(_ line: String) -> ResponseCode? {
            if case .untagged(.condition(let status)) = parse(line) { return status.code }
            if case .tagged(_, let status) = parse(line) { return status.code }
            return nil
        }
        #expect(code("* OK [UIDVALIDITY 3857529045] UIDs valid") == .uidValidity(3_857_529_045))
        #expect(code("* OK [UIDNEXT 4392] Predicted next UID") == .uidNext(4392))
        #expect(code("* OK [HIGHESTMODSEQ 715194045007] Highest") == .highestModSeq(715_194_045_007))
        #expect(code("* OK [NOMODSEQ] Sorry") == .noModSeq)
        #expect(code("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited") == .permanentFlags(["\\Deleted", "\\Seen", "\\*"]))
        #expect(code("* OK [ALERT] System shutdown in 10 minutes") == .alert)
        #expect(code("A003 OK [APPENDUID 38505 3955] APPEND completed") == .appendUID(uidValidity: 38505, uids: UIDSet([3955])))
        #expect(code("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done")
            == .copyUID(uidValidity: 38505, source: UIDSet(ranges: [.init(304, 304), .init(319, 320)]),
                        destination: .range(3956, 3958)))
        #expect(code("A005 NO [OVERQUOTA] Quota exceeded") == .overQuota)
        #expect(code("a NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)") == .other(name: "AUTHENTICATIONFAILED", arguments: nil))
        #expect(code("* OK [BADCHARSET (UTF-8 US-ASCII)] x") == .other(name: "BADCHARSET", arguments: "(UTF-8 US-ASCII)"))
        #expect(code("b2 OK [CLIENTBUG] Status on selected mailbox completed") == .other(name: "CLIENTBUG", arguments: nil))
    }

    @Test func greetingWithCapabilityCode() {
        guard case .untagged(.condition(let line)) = parse("* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN] Dovecot ready.") else {
            Issue.record("not a condition")
            return
        }
        #expect(line.code == .capability(["IMAP4rev1", "LITERAL+", "SASL-IR", "AUTH=PLAIN"]))
        #expect(line.text == "Dovecot ready.")
    }

    @Test func messageCounters() {
        #expect(untagged(parse("* 172 EXISTS")) == .exists(172))
        #expect(untagged(parse("* 1 RECENT")) == .recent(1))
        #expect(untagged(parse("* 22 EXPUNGE")) == .expunge(22))
        #expect(untagged(parse("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)"))
            == .flags(["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "$Forwarded"]))
    }

    @Test func capabilityAndEnabled() {
        #expect(untagged(parse("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED"))
            == .capability(["IMAP4rev1", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"]))
        #expect(untagged(parse("* ENABLED CONDSTORE QRESYNC")) == .enabled(["CONDSTORE", "QRESYNC"]))
    }

    @Test func listWithAttributesAndDelimiters() {
        #expect(untagged(parse("* LIST (\\Noselect) \"/\" ~/Mail/foo"))
            == .list(ListResponse(attributes: ["\\Noselect"], delimiter: "/", rawName: "~/Mail/foo")))
        #expect(untagged(parse("* LIST () NIL INBOX")) == .list(ListResponse(attributes: [], delimiter: nil, rawName: "INBOX")))
        #expect(untagged(parse("* LIST (\\HasNoChildren) \"\\\\\" \"Archiv\\\\2020\""))
            == .list(ListResponse(attributes: ["\\HasNoChildren"], delimiter: "\\", rawName: "Archiv\\2020")))
        #expect(untagged(parse("* LSUB () \".\" #news.comp.mail.misc"))
            == .lsub(ListResponse(attributes: [], delimiter: ".", rawName: "#news.comp.mail.misc")))
        // RFC 5258 extended data.
        guard case .list(let entry)? = untagged(parse("* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))")) else {
            Issue.record("not a LIST")
            return
        }
        #expect(entry.extended["CHILDINFO"] == "(\"SUBSCRIBED\")")
        // Mailbox name as a literal.
        let literal = try? frameAll(Array("* LIST () \"/\" {7}\r\nfoo\"bar\r\n".utf8))
        #expect(literal?.count == 1)
        #expect(literal?.first.flatMap(untagged) == .list(ListResponse(attributes: [], delimiter: "/", rawName: "foo\"bar")))
    }

    @Test func status() {
        guard case .status(let response)? = untagged(parse("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1 HIGHESTMODSEQ 7011231777 SIZE 99)")) else {
            Issue.record("not STATUS")
            return
        }
        #expect(response.rawName == "blurdybloop")
        #expect(response.status.messages == 231)
        #expect(response.status.uidNext == 44292)
        #expect(response.status.uidValidity == 1)
        #expect(response.status.highestModSeq == 7_011_231_777)
        #expect(response.status.size == 99)
    }

    @Test func searchAndESearch() {
        #expect(untagged(parse("* SEARCH 2 84 882")) == .search([2, 84, 882], modSeq: nil))
        #expect(untagged(parse("* SEARCH")) == .search([], modSeq: nil))
        #expect(untagged(parse("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)"))
            == .search([2, 5, 6, 7, 11, 12, 18, 19, 20, 23], modSeq: 917_162_500))
        guard case .esearch(let result)? = untagged(parse("* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800 ALL 7,9:11,3800 COUNT 5")) else {
            Issue.record("not ESEARCH")
            return
        }
        #expect(result.tag == "A285")
        #expect(result.isUID)
        #expect(result.min == 7)
        #expect(result.max == 3800)
        #expect(result.count == 5)
        #expect(result.all?.uids == [7, 9, 10, 11, 3800])
    }

    @Test func namespace() {
        guard case .namespace(let ns)? = untagged(parse("* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\"))")) else {
            Issue.record("not NAMESPACE")
            return
        }
        #expect(ns.personal == [Namespace(prefix: "", delimiter: "/")])
        #expect(ns.otherUsers == [Namespace(prefix: "~", delimiter: "/")])
        #expect(ns.shared.map(\.prefix) == ["#shared/", "#public/"])
        guard case .namespace(let empty)? = untagged(parse("* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL")) else {
            Issue.record("not NAMESPACE")
            return
        }
        #expect(empty.personal == [Namespace(prefix: "INBOX.", delimiter: ".")])
        #expect(empty.otherUsers.isEmpty && empty.shared.isEmpty)
    }

    @Test func fetchItems() throws {
        let text = "* 12 FETCH (FLAGS (\\Seen $Label1) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 UID 9 MODSEQ (624140003) BODY[] {12}\r\nHello\r\nWorld)\r\n"
        let fetch = try #require(fetchData(parse(text)))
        #expect(fetch.sequenceNumber == 12)
        #expect(fetch.uid == 9)
        #expect(fetch.flags == ["\\Seen", "$Label1"])
        #expect(fetch.internalDate == InternalDate("17-Jul-1996 02:44:25 -0700"))
        #expect(fetch.internalDate?.zoneMinutes == -420)
        #expect(fetch.size == 4286)
        #expect(fetch.modSeq == 624_140_003)
        #expect(fetch.body == Array("Hello\r\nWorld".utf8))
    }

    @Test func fetchSectionsAndUnknownItems() throws {
        let text = "* 3 FETCH (UID 4 BODY[HEADER.FIELDS (FROM SUBJECT)] {9}\r\nFrom: x\r\n BODY[TEXT]<0> \"abc\" ENVELOPE (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL) X-GM-LABELS (\\Inbox \"Muy Importante\") BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3 1))\r\n"
        let fetch = try #require(fetchData(parse(text)))
        #expect(fetch.uid == 4)
        #expect(fetch.sections["HEADER.FIELDS (FROM SUBJECT)"] == Array("From: x\r\n".utf8))
        #expect(fetch.sections["TEXT"] == Array("abc".utf8))
        #expect(fetch.gmailLabels == ["\\Inbox", "Muy Importante"])
        #expect(fetch.otherItems["ENVELOPE"] != nil)
        #expect(fetch.otherItems["BODY"] != nil)
    }

    @Test func fetchKeepsNulAndBareCRInLiteral8() throws {
        var bytes = Array("* 1 FETCH (UID 1 BINARY[] ~{6}\r\n".utf8)
        bytes += [0x41, 0x00, 0x0D, 0x42, 0x0A, 0x00]
        bytes += Array(")\r\n".utf8)
        let fetch = try #require(fetchData(parse(bytes: bytes)))
        #expect(fetch.body == [0x41, 0x00, 0x0D, 0x42, 0x0A, 0x00])
    }

    @Test func nilBodyAndQuotedEscapes() throws {
        let fetch = try #require(fetchData(parse("* 1 FETCH (UID 2 BODY[] NIL)")))
        #expect(fetch.body == [])
        #expect(untagged(parse("* LIST () \"/\" \"a \\\"quoted\\\" name\""))
            == .list(ListResponse(attributes: [], delimiter: "/", rawName: "a \"quoted\" name")))
    }

    @Test func vanished() {
        #expect(untagged(parse("* VANISHED (EARLIER) 300:310,405,411")) ==
            .vanished(earlier: true, UIDSet(ranges: [.init(300, 310), .init(405, 405), .init(411, 411)])))
        #expect(untagged(parse("* VANISHED 405")) == .vanished(earlier: false, UIDSet([405])))
    }

    @Test func unknownUntaggedIsKept() {
        #expect(untagged(parse("* QUOTAROOT INBOX \"\"")) == .other(keyword: "QUOTAROOT", text: "INBOX \"\""))
        #expect(untagged(parse("* ID (\"name\" \"Dovecot\")")) == .other(keyword: "ID", text: "(\"name\" \"Dovecot\")"))
    }

    @Test func malformedInputBecomesUnparsable() {
        for line in ["* 1 FETCH (UID)", "* 1 FETCH (BODY[] {99}\r\nshort)", "* STATUS x (MESSAGES", "", "* LIST (", "A1 MAYBE fine",
                     "* 1 FETCH (INTERNALDATE \"32-Foo-1996 99:00:00 +9999\")", "* 99999999999999999999999 EXISTS"] {
            if case .unparsable = parse(line) { continue }
            Issue.record("accepted malformed line: \(line)")
        }
    }
}
