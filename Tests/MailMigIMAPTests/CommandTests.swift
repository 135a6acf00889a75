import Foundation
import NIOCore
import NIOEmbedded
import Testing
@testable import MailMigIMAP
import IMAPTestSupport

@Suite("Commands on an in-memory connection")
struct CommandTests {
    @Test func loginQuotesAndTakesCapabilitiesFromCompletion() async throws {
        let server = try await ScriptedServer.start()
        async let done: Void = server.client.login(.login(user: "alice", password: "p w\"x\\"))
        #expect(try await server.received() == "M1 LOGIN \"alice\" \"p w\\\"x\\\\\"\r\n")
        try await server.send("M1 OK [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS BINARY CONDSTORE] Logged in")
        try await done
        #expect(await server.client.capabilities == ["IMAP4REV1", "LITERAL+", "UIDPLUS", "BINARY", "CONDSTORE"])
        #expect(await server.client.isAuthenticated)
    }

    @Test func plainWithAuthorizationIdentityUsesInitialResponse() async throws {
        let server = try await ScriptedServer.start()
        async let done: Void = server.client.login(.plain(user: "admin", password: "secret-admin", authorizationIdentity: "alice"))
        let line = try await server.received()
        let expected = Data("alice\0admin\0secret-admin".utf8).base64EncodedString()
        #expect(line == "M1 AUTHENTICATE PLAIN \(expected)\r\n")
        try await server.send("M1 OK [CAPABILITY IMAP4rev1] Logged in")
        try await done
    }

    @Test func plainWithoutSASLIRAnswersTheContinuation() async throws {
        let server = try await ScriptedServer.start(greeting: "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
        async let done: Void = server.client.login(.plain(user: "bob", password: "pw"))
        #expect(try await server.received() == "M1 AUTHENTICATE PLAIN\r\n")
        try await server.send("+ ")
        #expect(try await server.received() == Data("\0bob\0pw".utf8).base64EncodedString() + "\r\n")
        try await server.send("M1 OK done")
        // Without capabilities in the completion, the client asks for them.
        #expect(try await server.received() == "M2 CAPABILITY\r\n")
        try await server.send("* CAPABILITY IMAP4rev1 UIDPLUS", "M2 OK done")
        try await done
        #expect(await server.client.capabilities.contains("UIDPLUS"))
    }

    @Test func xoauth2ErrorChallengeIsAnsweredAndReported() async throws {
        let server = try await ScriptedServer.start()
        async let done: Void = server.client.login(.xoauth2(user: "alice@example.org", accessToken: "ya29.token"))
        let line = try await server.received()
        let expected = Data("user=alice@example.org\u{1}auth=Bearer ya29.token\u{1}\u{1}".utf8).base64EncodedString()
        #expect(line == "M1 AUTHENTICATE XOAUTH2 \(expected)\r\n")
        try await server.send("+ eyJzdGF0dXMiOiI0MDEifQ==")
        #expect(try await server.received() == "\r\n")
        try await server.send("M1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")
        do {
            try await done
            Issue.record("login succeeded")
        } catch let error as IMAPError {
            #expect(error.responseCode == .other(name: "AUTHENTICATIONFAILED", arguments: nil))
            #expect(error.server == "scripted")
            #expect(!error.description.contains("ya29"))
        }
    }

    /// RFC 7628 §3.1's message, and §3.2.3: the error challenge is answered with 0x01, then the NO comes.
    @Test func oauthBearerSendsTheGS2MessageAndAnswersTheErrorChallenge() async throws {
        let server = try await ScriptedServer.start(greeting: "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=OAUTHBEARER] ready")
        async let done: Void = server.client.login(.oauthBearer(user: "al,i=ce@example.org", host: "imap.example.org", port: 993,
                                                                accessToken: "ya29.token"))
        let line = try await server.received()
        let message = "n,a=al=2Ci=3Dce@example.org,\u{1}host=imap.example.org\u{1}port=993\u{1}auth=Bearer ya29.token\u{1}\u{1}"
        #expect(line == "M1 AUTHENTICATE OAUTHBEARER \(Data(message.utf8).base64EncodedString())\r\n")
        try await server.send("+ eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=")
        #expect(try await server.received() == "AQ==\r\n")
        try await server.send("M1 NO [AUTHENTICATIONFAILED] Authentication failed.")
        do {
            try await done
            Issue.record("login succeeded")
        } catch let error as IMAPError {
            #expect(error.responseCode == .other(name: "AUTHENTICATIONFAILED", arguments: nil))
            #expect(!error.description.contains("ya29"))
        }
    }

    /// X-GM-EXT-1: labels fetched with the Gmail id, and added with one STORE instead of one upload per label.
    @Test func gmailLabelsAreFetchedAndStored() async throws {
        let server = try await ScriptedServer.start(greeting: "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN X-GM-EXT-1 UIDPLUS] Gimap ready")
        try await server.login(capabilities: "IMAP4rev1 X-GM-EXT-1 UIDPLUS")
        async let opened = server.client.examine("[Gmail]/All Mail")
        #expect(try await server.received() == "M2 EXAMINE \"[Gmail]/All Mail\"\r\n")
        try await server.send("* 2 EXISTS", "* OK [UIDVALIDITY 7] ok", "M2 OK [READ-ONLY] done")
        _ = try await opened
        async let fetched = server.client.fetchGmailAttributes(UIDSet([3, 4]))
        #expect(try await server.received() == "M3 UID FETCH 3:4 (UID FLAGS INTERNALDATE RFC822.SIZE X-GM-MSGID X-GM-THRID X-GM-LABELS)\r\n")
        try await server.send(
            "* 1 FETCH (UID 3 FLAGS () INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" RFC822.SIZE 10 X-GM-MSGID 11 X-GM-THRID 10 X-GM-LABELS ())",
            "* 2 FETCH (UID 4 FLAGS (\\Seen) INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" RFC822.SIZE 12 X-GM-MSGID 12 X-GM-THRID 10 "
                + "X-GM-LABELS (\\Inbox \"Kunden/&AMQ-rger\"))",
            "M3 OK Success")
        let attributes = try await fetched
        #expect(attributes[3] == GmailAttributes(messageID: 11, threadID: 10, labels: []))
        #expect(attributes[4]?.labels == ["\\Inbox", "Kunden/Ärger"])
        async let stored: Void = server.client.storeGmailLabels(UIDSet([9]), labels: ["\\Starred", "Kunden/Ärger", "say \"hi\""])
        #expect(try await server.received() == "M4 UID STORE 9 +X-GM-LABELS.SILENT (\\Starred \"Kunden/&AMQ-rger\" \"say \\\"hi\\\"\")\r\n")
        try await server.send("M4 OK Success")
        try await stored
    }

    @Test func pipelinedAppendsGoOutBeforeAnyAnswer() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 LITERAL+ UIDPLUS")
        let date = try #require(InternalDate("07-Jul-2023 10:11:12 +0200"))
        async let results = server.client.append([
            AppendMessage(bytes: Array("one".utf8), flags: ["\\Seen", "$Label1"], internalDate: date),
            AppendMessage(bytes: Array("two!".utf8)),
        ], to: "Entwürfe")
        let first = try await server.received()
        let second = try await server.received()
        #expect(first == "M2 APPEND \"Entw&APw-rfe\" (\\Seen $Label1) \"07-Jul-2023 10:11:12 +0200\" {3+}\r\none\r\n")
        #expect(second == "M3 APPEND \"Entw&APw-rfe\" {4+}\r\ntwo!\r\n")
        try await server.send("M2 OK [APPENDUID 99 11] ok", "M3 OK [APPENDUID 99 12] ok")
        #expect(try await results == [AppendResult(uidValidity: 99, uid: 11), AppendResult(uidValidity: 99, uid: 12)])
    }

    @Test func synchronizingLiteralWaitsForContinuation() async throws {
        let server = try await ScriptedServer.start(greeting: "* OK [CAPABILITY IMAP4rev1] ready")
        try await server.login(capabilities: "IMAP4rev1 UIDPLUS")
        async let result = server.client.append(AppendMessage(bytes: Array("hello".utf8)), to: "INBOX")
        #expect(try await server.received() == "M2 APPEND \"INBOX\" {5}\r\n")
        try await server.send("+ Ready for literal data")
        #expect(try await server.received() == "hello\r\n")
        try await server.send("M2 OK [APPENDUID 5 1] done")
        #expect(try await result == AppendResult(uidValidity: 5, uid: 1))
    }

    @Test func refusedLiteralIsReportedNotHung() async throws {
        let server = try await ScriptedServer.start(greeting: "* OK [CAPABILITY IMAP4rev1] ready")
        try await server.login(capabilities: "IMAP4rev1")
        async let result = server.client.append(AppendMessage(bytes: Array("hello".utf8)), to: "Nope")
        _ = try await server.received()
        try await server.send("M2 NO [TRYCREATE] Mailbox doesn't exist: Nope")
        do {
            _ = try await result
            Issue.record("APPEND succeeded")
        } catch let error as IMAPError {
            #expect(error.responseCode == .tryCreate)
        }
    }

    @Test func nulBytesGoAsLiteral8OnlyWithBinary() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 LITERAL+ UIDPLUS")
        let message = AppendMessage(bytes: [0x41, 0x00, 0x0D, 0x42])
        do {
            _ = try await server.client.append(message, to: "INBOX")
            Issue.record("append without BINARY succeeded")
        } catch let error as IMAPError {
            guard case .appendRequiresBinary(let name, "INBOX", 4) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(name == "scripted")
        }
        #expect(try await server.channel.readOutbound(as: ByteBuffer.self) == nil)

        _ = try await server.client.refreshCapabilitiesScripted(server, capabilities: "IMAP4rev1 LITERAL+ UIDPLUS BINARY", tag: "M2")
        async let result = server.client.append(message, to: "INBOX")
        let bytes = try await server.receivedBytes()
        #expect(bytes == Array("M3 APPEND \"INBOX\" ~{4+}\r\n".utf8) + [0x41, 0x00, 0x0D, 0x42, 0x0D, 0x0A])
        try await server.send("M3 OK [APPENDUID 1 7] ok")
        #expect(try await result.uid == 7)
    }

    @Test func noAndBadCarryTextCodeAndServer() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        async let created: Void = server.client.create("Foo")
        _ = try await server.received()
        try await server.send("M2 NO [OVERQUOTA] Quota exceeded")
        do {
            try await created
            Issue.record("CREATE succeeded")
        } catch let error as IMAPError {
            #expect(error.description == "IMAP server scripted refused CREATE \"Foo\": Quota exceeded [OVERQUOTA]")
        }
        async let bad: Void = server.client.noop()
        _ = try await server.received()
        try await server.send("M3 BAD Error in IMAP command")
        do {
            try await bad
            Issue.record("NOOP succeeded")
        } catch let error as IMAPError {
            guard case .bad(_, "NOOP", "Error in IMAP command", nil) = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
    }

    @Test func streamingFetchIgnoresFlagUpdatesAndFinishes() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 LITERAL+ CONDSTORE")
        try await server.selectInbox(tag: "M2")
        #expect(await server.client.selected?.uidValidity == 77)
        #expect(await server.client.selected?.highestModSeq == 5)
        let stream = try await server.client.fetch(.range(1, 9))
        #expect(try await server.received() == "M3 UID FETCH 1:9 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[] MODSEQ)\r\n")
        try await server.send(
            "* 1 FETCH (UID 3 FLAGS (\\Seen) INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" RFC822.SIZE 2 MODSEQ (4) BODY[] {2}\r\nab)",
            "* 1 FETCH (UID 3 FLAGS (\\Seen \\Flagged) MODSEQ (6))",
            "* 2 FETCH (UID 9 FLAGS () INTERNALDATE \"02-Feb-2020 10:00:00 -0500\" RFC822.SIZE 0 MODSEQ (5) BODY[] \"\")",
            "M3 OK Fetch completed")
        var messages: [FetchedMessage] = []
        for try await message in stream { messages.append(message) }
        #expect(messages.map(\.uid) == [3, 9])
        #expect(messages[0].body == Array("ab".utf8))
        #expect(messages[0].flags == ["\\Seen"])
        #expect(messages[1].internalDate?.zoneMinutes == -300)
        #expect(await server.client.selected?.highestModSeq == 6)
    }

    @Test func fetchFailureEndsTheStreamWithTheError() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.all, changedSince: nil)
        _ = try await server.received()
        try await server.send("M3 NO Some messages could not be read")
        await #expect(throws: IMAPError.self) {
            for try await _ in stream {}
        }
    }

    @Test func pipelinedResponsesAreCreditedByKindAndTag() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 ESEARCH")
        try await server.selectInbox(tag: "M2")
        async let found = server.client.search(.and([.larger(100), .header("Message-ID", "<x@y>")]))
        async let status = server.client.status("Archive")
        let lines = [try await server.received(), try await server.received()].sorted()
        #expect(lines.contains("M3 UID SEARCH RETURN (ALL) LARGER 100 HEADER \"Message-ID\" \"<x@y>\"\r\n")
            || lines.contains("M4 UID SEARCH RETURN (ALL) LARGER 100 HEADER \"Message-ID\" \"<x@y>\"\r\n"))
        let searchTag = lines.first { $0.contains("SEARCH") }?.prefix(2) ?? ""
        let statusTag = lines.first { $0.contains("STATUS") }?.prefix(2) ?? ""
        // Status data first, then the search result, then completions in reverse order.
        try await server.send("* STATUS Archive (MESSAGES 4 UIDNEXT 9 UIDVALIDITY 3 UNSEEN 1)",
                              "* ESEARCH (TAG \"\(searchTag)\") UID ALL 2:4,8",
                              "\(statusTag) OK done", "\(searchTag) OK done")
        #expect(try await found == [2, 3, 4, 8])
        #expect(try await status.messages == 4)
    }

    @Test func mailboxNamesUseUTF8OnceEnabled() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 ENABLE UTF8=ACCEPT")
        async let enabled = server.client.enable(["UTF8=ACCEPT", "CONDSTORE"])
        #expect(try await server.received() == "M2 ENABLE UTF8=ACCEPT\r\n")
        try await server.send("* ENABLED UTF8=ACCEPT", "M2 OK enabled")
        #expect(try await enabled.contains("UTF8=ACCEPT"))
        async let created: Void = server.client.create("Entwürfe/台北")
        #expect(try await server.received() == "M3 CREATE \"Entwürfe/台北\"\r\n")
        try await server.send("M3 OK done")
        try await created
    }

    @Test func listDecodesNamesAndMergesStatus() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1 LIST-EXTENDED SPECIAL-USE LIST-STATUS")
        async let mailboxes = server.client.list(status: true)
        #expect(try await server.received() == "M2 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN))\r\n")
        try await server.send("* LIST (\\Sent \\HasNoChildren) \".\" Gesendete",
                              "* STATUS Gesendete (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 1 UNSEEN 0)",
                              "* LIST (\\HasNoChildren) \".\" \"Entw&APw-rfe.Gr&APYA3w-e\"",
                              "M2 OK done")
        let list = try await mailboxes
        #expect(list.map(\.name) == ["Gesendete", "Entwürfe.Größe"])
        #expect(list[0].specialUse == .sent)
        #expect(list[0].status?.messages == 3)
        #expect(list[1].path == ["Entwürfe", "Größe"])
    }

    @Test func listWithoutListStatusPipelinesStatusAndMatchesByName() async throws {
        let server = try await ScriptedServer.start()
        try await server.login(capabilities: "IMAP4rev1")
        async let mailboxes = server.client.list(status: true)
        #expect(try await server.received() == "M2 LIST \"\" \"*\"\r\n")
        try await server.send("* LIST () \"/\" A", "* LIST (\\Noselect) \"/\" B", "* LIST () \"/\" C", "M2 OK done")
        #expect(try await server.received() == "M3 STATUS \"A\" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)\r\n")
        #expect(try await server.received() == "M4 STATUS \"C\" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)\r\n")
        // Both answers arrive before the first completion, in the opposite order.
        try await server.send("* STATUS C (MESSAGES 30)", "* STATUS A (MESSAGES 10)", "M3 OK done", "M4 OK done")
        let list = try await mailboxes
        #expect(list.map(\.name) == ["A", "B", "C"])
        #expect(list.map { $0.status?.messages } == [10, nil, 30])
    }

    @Test func connectionLossFailsWaitingCommands() async throws {
        let server = try await ScriptedServer.start()
        async let noop: Void = server.client.noop()
        _ = try await server.received()
        try await server.channel.close()
        do {
            try await noop
            Issue.record("NOOP succeeded")
        } catch let error as IMAPError {
            guard case .connectionLost(let name, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(name == "scripted")
        }
        await #expect(throws: IMAPError.self) { try await server.client.noop() }
    }

    @Test func silentServerTimesOut() async throws {
        let server = try await ScriptedServer.start(readTimeout: 0.3)
        async let noop: Void = server.client.noop()
        _ = try await server.received()
        do {
            try await noop
            Issue.record("NOOP succeeded")
        } catch let error as IMAPError {
            guard case .timeout(_, "NOOP", _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
    }

    @Test func byeIsReported() async throws {
        let server = try await ScriptedServer.start()
        async let noop: Void = server.client.noop()
        _ = try await server.received()
        try await server.send("* BYE Server shutting down")
        try await server.channel.close()
        do {
            try await noop
            Issue.record("NOOP succeeded")
        } catch let error as IMAPError {
            guard case .bye(_, "Server shutting down") = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
    }
}

extension IMAPClient {
    /// CAPABILITY answered by the scripted server.
    func refreshCapabilitiesScripted(_ server: ScriptedServer, capabilities: String, tag: String) async throws -> Set<String> {
        async let refreshed = refreshCapabilities()
        _ = try await server.received()
        try await server.send("* CAPABILITY \(capabilities)", "\(tag) OK done")
        return try await refreshed
    }
}
