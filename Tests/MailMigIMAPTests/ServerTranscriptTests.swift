import Testing
@testable import MailMigIMAP

/// Whole server sessions (server side only) as real servers send them, quirks included.
@Suite("Response parser: server transcripts")
struct ServerTranscriptTests {
    static func responses(_ lines: [String]) throws -> [IMAPResponse] {
        try frameAll(Array(lines.joined(separator: "\r\n").appending("\r\n").utf8), chunkSize: 7)
    }

    static func expectAllParsed(_ responses: [IMAPResponse]) {
        for response in responses {
            if case .unparsable(let text, let reason) = response { Issue.record("unparsable: \(text) (\(reason))") }
        }
    }

    /// Captured from Dovecot 2.3.19 (Debian) with pipelined commands: untagged data of later commands
    /// arrives before earlier commands complete.
    @Test func dovecot() throws {
        let responses = try Self.responses([
            "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=LOGIN] Dovecot (Debian) ready.",
            "a1 OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE] Logged in",
            "* ENABLED CONDSTORE QRESYNC",
            "a2 OK Enabled (0.001 + 0.000 secs).",
            "* NAMESPACE ((\"\" \".\")) NIL NIL",
            "a3 OK Namespace completed (0.001 + 0.000 secs).",
            "a4 NO Mailbox name is not valid mUTF-7 (0.001 + 0.000 secs).",
            "* LIST (\\Drafts) \".\" Drafts",
            "* STATUS Drafts (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 1795285348 HIGHESTMODSEQ 1)",
            "* LIST () \".\" INBOX",
            "* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 1795285350 HIGHESTMODSEQ 1)",
            "a5 OK List completed (0.231 + 0.000 + 0.230 secs).",
            "a6 OK [APPENDUID 1795285350 1] Append completed (0.028 + 0.000 + 0.027 secs).",
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded \\*)] Flags permitted.",
            "* 1 EXISTS",
            "* 1 RECENT",
            "* OK [UIDVALIDITY 1795285350] UIDs valid",
            "* OK [UIDNEXT 2] Predicted next UID",
            "* OK [HIGHESTMODSEQ 3] Highest",
            "a7 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).",
            "* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent $Forwarded) INTERNALDATE \"07-Jul-2023 08:11:12 +0000\" RFC822.SIZE 13 MODSEQ (3) BODY[] {12}",
            "Subject: x",
            ")",
            "* ESEARCH (TAG \"a9\") UID ALL 1",
            "* SEARCH 1",
            "* STATUS INBOX (MESSAGES 1 UIDNEXT 2 HIGHESTMODSEQ 3)",
            "b2 OK [CLIENTBUG] Status on selected mailbox completed (0.001 + 0.000 secs).",
            "* 1 FETCH (UID 1 MODSEQ (4) FLAGS (\\Flagged \\Seen \\Recent $Forwarded))",
            "a8 OK Fetch completed (0.001 + 0.000 secs).",
            "* BYE Logging out",
            "b6 OK Logout completed (0.001 + 0.000 secs).",
        ])
        Self.expectAllParsed(responses)
        #expect(responses.count == 30)
        let fetch = try #require(responses.compactMap(fetchData).first)
        #expect(fetch.body == Array("Subject: x\r\n".utf8))
        #expect(fetch.internalDate?.description == "07-Jul-2023 08:11:12 +0000")
        #expect(responses.contains(.untagged(.esearch(ESearchResponse(tag: "a9", isUID: true, all: UIDSet([1]))))))
        // A STORE's flag update is a FETCH without INTERNALDATE or size: the client must not mistake it for a result.
        let update = try #require(responses.compactMap(fetchData).last)
        #expect(update.uid == 1 && update.internalDate == nil && update.body == nil)
        #expect(!CommandKind.fetch(.all, requiresBody: false).accepts(.fetch(update)))
        #expect(CommandKind.fetch(.all, requiresBody: true).accepts(.fetch(fetch)))
        #expect(!CommandKind.fetch(UIDSet([2]), requiresBody: true).accepts(.fetch(fetch)))
    }

    /// Gmail: XLIST-era names in brackets, X-GM items, XOAUTH2 error challenge, `(Success)` texts.
    @Test func gmail() throws {
        let responses = try Self.responses([
            "* OK Gimap ready for requests from 192.0.2.7 h7mb123456789qkb",
            "* CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER AUTH=XOAUTH",
            "+ eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==",
            "A1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
            "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
            "* LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"",
            "* LIST (\\All \\HasNoChildren) \"/\" \"[Gmail]/All Mail\"",
            "* LIST (\\HasNoChildren \\Important) \"/\" \"[Gmail]/Important\"",
            "* LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"",
            "* LIST (\\HasNoChildren) \"/\" \"&AMQ-rger\"",
            "A2 OK Success",
            "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing \\*)] Flags permitted.",
            "* OK [UIDVALIDITY 1] UIDs valid.",
            "* 4 EXISTS",
            "* 0 RECENT",
            "* OK [UIDNEXT 5] Predicted next UID.",
            "* OK [HIGHESTMODSEQ 2156]",
            "A3 OK [READ-WRITE] [Gmail]/All Mail selected. (Success)",
            "* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334865 X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\" \"Projekte/&AMQ-rger\") UID 4 FLAGS (\\Seen))",
            "A4 OK Success",
        ])
        Self.expectAllParsed(responses)
        #expect(responses[2] == .continuation("eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ=="))
        let lists = responses.compactMap { response -> ListResponse? in
            if case .untagged(.list(let entry)) = response { return entry }
            return nil
        }
        #expect(lists.map(\.rawName) == ["INBOX", "[Gmail]", "[Gmail]/All Mail", "[Gmail]/Important", "[Gmail]/Sent Mail", "&AMQ-rger"])
        #expect(ModifiedUTF7.decode(lists[5].rawName) == "Ärger")
        #expect(MailboxInfo(name: "x", rawName: "x", delimiter: "/", attributes: lists[2].attributes).specialUse == .all)
        let fetch = try #require(responses.compactMap(fetchData).first)
        #expect(fetch.uid == 4)
        #expect(fetch.gmailMessageID == 1278455344230334865)
        #expect(fetch.gmailThreadID == 1278455344230334865)
        #expect(fetch.gmailLabels == ["\\Inbox", "\\Sent", "Important", "Muy Importante", "Projekte/Ärger"])
        #expect(GmailAttributes(messageID: 1, labels: fetch.gmailLabels ?? []).userLabels == ["Important", "Muy Importante", "Projekte/Ärger"])
    }

    /// Exchange / Microsoft 365: bracketed blob after the greeting text, unquoted names with spaces quoted,
    /// space-padded INTERNALDATE, trailing space after SEARCH, BYE with a number.
    @Test func exchange() throws {
        let responses = try Self.responses([
            "* OK The Microsoft Exchange IMAP4 service is ready. [TQBXADIAUABSADAANQBDAEEAMAAwADEAMQAuAGUAdQByAHAA]",
            "* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+",
            "* LIST (\\HasNoChildren) \"/\" Calendar/Birthdays",
            "* LIST (\\Marked \\HasNoChildren \\Sent) \"/\" \"Sent Items\"",
            "* LIST (\\HasChildren) \"/\" Inbox",
            "* 1 FETCH (UID 5 FLAGS (\\Seen) INTERNALDATE \" 7-Jan-2021 10:12:40 +0000\" RFC822.SIZE 1234)",
            "* SEARCH ",
            "* NAMESPACE ((\"\" \"/\")) NIL NIL",
            "A5 NO [OVERQUOTA] APPEND failed.",
            "A6 BAD User is authenticated but not connected.",
            "* BYE Connection is closed. 13",
        ])
        Self.expectAllParsed(responses)
        guard case .untagged(.condition(let greeting)) = responses[0] else {
            Issue.record("greeting not parsed")
            return
        }
        #expect(greeting.code == nil)
        #expect(greeting.text.hasPrefix("The Microsoft Exchange IMAP4 service is ready."))
        let fetch = try #require(responses.compactMap(fetchData).first)
        #expect(fetch.internalDate == InternalDate(day: 7, month: 1, year: 2021, hour: 10, minute: 12, second: 40, zoneMinutes: 0))
        #expect(untagged(responses[6]) == .search([], modSeq: nil))
        #expect(responses[8] == .tagged(tag: "A5", StatusResponseLine(status: .no, code: .overQuota, text: "APPEND failed.")))
    }

    /// Cyrus IMAP: Maildir-style "." hierarchy under INBOX, URLMECH/ANNOTATIONS codes, MODSEQ first in FETCH.
    @Test func cyrus() throws {
        let responses = try Self.responses([
            "* OK [CAPABILITY IMAP4rev1 LITERAL+ ID ENABLE STARTTLS AUTH=PLAIN SASL-IR] imap.example.org Cyrus IMAP 3.4.3 server ready",
            "* LIST (\\HasChildren) \".\" INBOX",
            "* LIST (\\HasNoChildren \\Sent) \".\" INBOX.Sent",
            "* LIST (\\HasNoChildren) \".\" \"INBOX.Gesch&AOQ-ft\"",
            "* STATUS INBOX.Sent (MESSAGES 3 UIDNEXT 5 UIDVALIDITY 1565000000 HIGHESTMODSEQ 12)",
            "* OK [URLMECH INTERNAL] Ok",
            "* OK [ANNOTATIONS 65536] Ok",
            "A7 OK [READ-WRITE] Completed",
            "* 3 FETCH (MODSEQ (12) UID 7 FLAGS (\\Seen $Label1 NonJunk))",
            "* ESEARCH (TAG \"A8\") UID ALL 1:3,7",
            "A8 OK Completed (2 msgs in 0.000 secs)",
        ])
        Self.expectAllParsed(responses)
        #expect(untagged(responses[5]) == .condition(StatusResponseLine(status: .ok, code: .other(name: "URLMECH", arguments: "INTERNAL"), text: "Ok")))
        guard case .list(let entry)? = untagged(responses[3]) else {
            Issue.record("not LIST")
            return
        }
        #expect(ModifiedUTF7.decode(entry.rawName) == "INBOX.Geschäft")
        let fetch = try #require(responses.compactMap(fetchData).first)
        #expect(fetch.modSeq == 12 && fetch.uid == 7 && fetch.flags == ["\\Seen", "$Label1", "NonJunk"])
    }
}
