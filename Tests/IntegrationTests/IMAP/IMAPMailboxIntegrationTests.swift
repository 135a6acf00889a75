import Foundation
import MailMigIMAP
import Testing

extension IMAPIntegration {
    @Suite("namespaces and mailboxes")
    struct IMAPMailboxIntegrationTests {
        @Test func enableAndNamespacesAndDelimiters() async throws {
            let source = try await Dovecot.login("alice", on: .source)
            let enabled = try await source.enable(["CONDSTORE", "QRESYNC", "UTF8=ACCEPT"])
            #expect(enabled.isSuperset(of: ["CONDSTORE", "QRESYNC"]))
            #expect(await !source.utf8Enabled)  // Dovecot 2.3 does not offer UTF8=ACCEPT
            let namespaces = try await source.namespaces()
            #expect(namespaces.personal.first?.delimiter == ".")
            #expect(try await source.hierarchyDelimiter() == ".")
            try await source.logout()

            let target = try await Dovecot.login("alice", on: .target)
            #expect(try await target.namespaces().personal.first?.delimiter == "/")
            try await target.logout()
        }

        @Test func listShowsSpecialUseAndStatus() async throws {
            let client = try await Dovecot.login("bob")
            let mailboxes = try await client.list(status: true)
            let roles = Dictionary(uniqueKeysWithValues: mailboxes.compactMap { box in box.specialUse.map { ($0, box.name) } })
            #expect(roles[.drafts] == "Drafts")
            #expect(roles[.sent] == "Sent")
            #expect(roles[.trash] == "Trash")
            #expect(roles[.junk] == "Junk")
            #expect(roles[.archive] == "Archive")
            let inbox = try #require(mailboxes.first { $0.name == "INBOX" })
            #expect(inbox.status?.uidValidity != nil)
            #expect(inbox.status?.uidNext != nil)
            #expect(inbox.status?.highestModSeq != nil)
            try await client.logout()
        }

        @Test(arguments: [Dovecot.Instance.source, .target])
        func internationalNamesRoundTrip(instance: Dovecot.Instance) async throws {
            let client = try await Dovecot.login("erin", on: instance)
            let delimiter = try #require(try await client.hierarchyDelimiter())
            let parent = Dovecot.uniqueName("Entwürfe & Pläne")
            let names = [parent, "\(parent)\(delimiter)台北", "\(parent)\(delimiter)📧 Post", "\(parent)\(delimiter)A&B"]
            for name in names {
                try await client.create(name)
                try await client.subscribe(name)
            }
            let listed = try await client.list(pattern: "\(parent)*")
            #expect(Set(listed.map(\.name)) == Set(names))
            let encoded = try #require(listed.first { $0.name == names[1] })
            #expect(encoded.rawName == ModifiedUTF7.encode(names[1]))
            #expect(encoded.path.last == "台北")
            let subscribed = try await client.listSubscribed(pattern: "\(parent)*")
            #expect(Set(subscribed.map(\.name)) == Set(names))
            let status = try await client.status(names[2])
            #expect(status.messages == 0)
            for name in names.reversed() {
                try await client.unsubscribe(name)
                try await client.delete(name)
            }
            #expect(try await client.list(pattern: "\(parent)*").isEmpty)
            try await client.logout()
        }

        @Test func missingMailboxIsTryCreate() async throws {
            let client = try await Dovecot.login("bob")
            let missing = Dovecot.uniqueName("Missing")
            do {
                _ = try await client.append(AppendMessage(bytes: Array("Subject: x\r\n\r\nx\r\n".utf8)), to: missing)
                Issue.record("APPEND to a missing mailbox succeeded")
            } catch let error as IMAPError {
                #expect(error.responseCode == .tryCreate)
            }
            do {
                try await client.select(missing)
                Issue.record("SELECT of a missing mailbox succeeded")
            } catch let error as IMAPError {
                guard case .no(_, let command, _, _) = error else {
                    Issue.record("wrong error \(error)")
                    return
                }
                #expect(command.contains(missing))
            }
            try await client.logout()
        }
    }
}
