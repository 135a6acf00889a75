import Foundation
import Testing
@testable import MailMigIMAP

@Suite("Value types: dates, UID sets, credentials, errors")
struct ValueTypeTests {
    @Test func internalDateKeepsOffset() throws {
        let date = try #require(InternalDate("17-Jul-1996 02:44:25 -0700"))
        #expect(date.description == "17-Jul-1996 02:44:25 -0700")
        #expect(date.zoneMinutes == -420)
        #expect(date.date == Date(timeIntervalSince1970: 837_596_665))
        let sameInstant = try #require(InternalDate("17-Jul-1996 09:44:25 +0000"))
        #expect(sameInstant.date == date.date)
        #expect(sameInstant != date)
        #expect(InternalDate(" 7-Jan-2021 10:12:40 +0530")?.description == "07-Jan-2021 10:12:40 +0530")
        #expect(InternalDate("7-jan-2021 10:12:40 +0000") != nil)
        for bad in ["", "17-Jul-1996", "17-Foo-1996 02:44:25 -0700", "17-Jul-1996 25:44:25 -0700", "17-Jul-1996 02:44:25 0700",
                    "17-Jul-1996 02:44:25 -0760", "170-Jul-1996 02:44:25 -0700"] {
            #expect(InternalDate(bad) == nil, "\(bad)")
        }
    }

    @Test func uidSets() {
        #expect(UIDSet([5, 1, 2, 3, 9, 10]).description == "1:3,5,9:10")
        #expect(UIDSet.all.description == "1:*")
        #expect(UIDSet.range(9, 4).description == "4:9")
        #expect(UIDSet([7]).description == "7")
        #expect(UIDSet.all.uids == nil)
        #expect(UIDSet(ranges: [.init(1, 4_000_000_000)]).uids == nil)
        #expect(UIDSet([3, 1, 2]).uids == [1, 2, 3])
    }

    @Test func secretsNeverAppearInDescriptions() {
        let secrets: [IMAPCredentials] = [
            .login(user: "alice", password: "hunter2-secret"),
            .plain(user: "admin", password: "hunter2-secret", authorizationIdentity: "alice"),
            .xoauth2(user: "alice", accessToken: "hunter2-secret"),
            .oauthBearer(user: "alice", host: "imap.example.org", port: 993, accessToken: "hunter2-secret"),
        ]
        for credentials in secrets {
            #expect(!credentials.description.contains("hunter2"))
            #expect(!String(reflecting: credentials).contains("hunter2"))
            #expect(!"\(credentials)".contains("hunter2"))
        }
        #expect(IMAPCredentials.plain(user: "admin", password: "x", authorizationIdentity: "alice").mailboxOwner == "alice")
    }

    @Test func errorsAreOneSentenceNamingTheServer() {
        let errors: [IMAPError] = [
            .no(server: "source", command: "SELECT \"Foo\"", text: "Mailbox doesn't exist", code: .tryCreate),
            .bad(server: "source", command: "UID FETCH 1:*", text: "Error in IMAP command", code: nil),
            .connectionLost(server: "source", detail: "reset by peer"),
            .timeout(server: "source", operation: "UID FETCH 1:*", seconds: 120),
            .tls(server: "source", subject: "CN=localhost", reason: "the certificate is not trusted"),
            .appendRequiresBinary(server: "source", mailbox: "INBOX", size: 42),
        ]
        for error in errors {
            #expect(error.description.contains("source"))
            #expect(!error.description.contains("\n"))
            #expect(error.errorDescription == error.description)
        }
        #expect(errors[0].description == "IMAP server source refused SELECT \"Foo\": Mailbox doesn't exist [TRYCREATE]")
        #expect(errors[0].responseCode == .tryCreate)
        #expect(errors[4].description.contains("CN=localhost"))
        #expect(errors[5].description.contains("BINARY"))
    }
}
