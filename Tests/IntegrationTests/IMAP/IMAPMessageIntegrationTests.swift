import Foundation
import MailMigIMAP
import Testing

extension IMAPIntegration {
    @Suite("append, search, fetch, store")
    struct IMAPMessageIntegrationTests {
        static func message(_ subject: String, id: String, body: String = "Hello.\r\n") -> [UInt8] {
            Array("From: a@example.org\r\nTo: b@example.org\r\nSubject: \(subject)\r\nMessage-ID: <\(id)>\r\nDate: Fri, 7 Jul 2023 10:11:12 +0200\r\n\r\n\(body)".utf8)
        }

        @Test func appendSelectSearchFetchStoreChangedSince() async throws {
            let client = try await Dovecot.login("alice")
            try await client.enable(["CONDSTORE"])
            let folder = Dovecot.uniqueName("Messages")
            try await client.create(folder)
            let date = try #require(InternalDate("07-Jul-2023 10:11:12 +0200"))
            let first = AppendMessage(bytes: Self.message("one", id: "one@\(folder)"), flags: ["\\Seen", "$Forwarded"], internalDate: date)
            let big = AppendMessage(bytes: Self.message("two", id: "two@\(folder)", body: String(repeating: "x", count: 5000) + "\r\n"),
                                    flags: ["\\Flagged", "Custom_Keyword"])
            let results = try await client.append([first, big], to: folder)
            let uids = results.compactMap(\.uid)
            #expect(uids.count == 2)
            #expect(results.allSatisfy { $0.uidValidity != nil })

            let selected = try await client.select(folder)
            #expect(selected.exists == 2)
            #expect(selected.uidValidity == results[0].uidValidity)
            #expect(selected.uidNext == uids[1] + 1)
            let modSeqBefore = try #require(selected.highestModSeq)
            #expect(selected.permanentFlags.contains("\\*"))

            #expect(try await client.search(.header("Message-ID", "<one@\(folder)>")) == [uids[0]])
            #expect(try await client.search(.larger(2000)) == [uids[1]])
            #expect(try await client.search(.and([.since(.init(year: 2023, month: 7, day: 7)), .before(.init(year: 2023, month: 7, day: 8))])) == [uids[0]])
            #expect(try await client.search(.all) == uids)
            #expect(try await client.search(.or(.seen, .flagged)) == uids)
            #expect(try await client.search(.keyword("Custom_Keyword")) == [uids[1]])

            var fetched: [FetchedMessage] = []
            for try await message in try await client.fetch(.all) { fetched.append(message) }
            #expect(fetched.map(\.uid) == uids)
            #expect(fetched[0].content == first.content)
            #expect(fetched[1].content == big.content)
            // \Recent is a session flag the server adds; it is reported as sent.
            #expect(fetched[0].flags.subtracting(["\\Recent"]) == ["\\Seen", "$Forwarded"])
            #expect(fetched[1].flags.subtracting(["\\Recent"]) == ["\\Flagged", "Custom_Keyword"])
            #expect(fetched[0].size == first.content.count)
            // Maildir keeps the instant of INTERNALDATE, not its offset: compare instants.
            #expect(fetched[0].internalDate?.date == date.date)
            #expect(fetched.allSatisfy { $0.modSeq != nil })

            try await client.store(UIDSet([uids[0]]), .add, flags: ["\\Answered"])
            let changed = try await client.fetchMetadata(.all, changedSince: modSeqBefore)
            #expect(changed.map(\.uid) == [uids[0]])
            #expect(changed.first?.flags.subtracting(["\\Recent"]) == ["\\Seen", "$Forwarded", "\\Answered"])
            #expect(changed.first?.body == nil)
            let status = try await client.status("INBOX")
            #expect(status.uidValidity != nil)

            try await client.unselect()
            try await client.delete(folder)
            try await client.logout()
        }

        @Test func multiAppendReturnsEveryUID() async throws {
            let client = try await Dovecot.login("bob")
            let folder = Dovecot.uniqueName("Multi")
            try await client.create(folder)
            let messages = (0..<5).map { AppendMessage(bytes: Self.message("m\($0)", id: "\($0)@\(folder)")) }
            let results = try await client.multiAppend(messages, to: folder)
            #expect(results.compactMap(\.uid).count == 5)
            #expect(Set(results.compactMap(\.uid)).count == 5)
            try await client.select(folder)
            #expect(try await client.search(.all) == results.compactMap(\.uid))
            try await client.unselect()
            try await client.delete(folder)
            try await client.logout()
        }

        /// Bare LF becomes CRLF (IMAP messages are CRLF text); bare CR and NUL stay as they are.
        static func crlf(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 20)
            for (index, byte) in bytes.enumerated() {
                if byte == 0x0A, index == 0 || bytes[index - 1] != 0x0D { out.append(0x0D) }
                out.append(byte)
            }
            return out
        }

        static func hasBareCR(_ bytes: [UInt8]) -> Bool {
            for index in bytes.indices where bytes[index] == 0x0D {
                if index + 1 == bytes.count || bytes[index + 1] != 0x0A { return true }
            }
            return false
        }

        static func corpusFiles() throws -> [URL] {
            let corpus = try Dovecot.corpusDirectory()
            var files: [URL] = []
            for directory in ["mimekit", "spamscope"] {
                files += try FileManager.default.contentsOfDirectory(at: corpus.appendingPathComponent(directory), includingPropertiesForKeys: nil)
            }
            let mips = try FileManager.default.contentsOfDirectory(at: corpus.appendingPathComponent("linux-mips"), includingPropertiesForKeys: nil)
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
            files += mips.prefix(60)
            files += mips.filter { $0.lastPathComponent.hasPrefix("00795-") }
            return files.sorted { $0.path < $1.path }
        }

        static func fetchAll(_ client: IMAPClient, _ folder: String) async throws -> [UInt32: [UInt8]] {
            try await client.examine(folder)
            var byUID: [UInt32: [UInt8]] = [:]
            for try await message in try await client.fetch(.all) { byUID[message.uid] = try message.content?.bytes() }
            try await client.unselect()
            return byUID
        }

        /// Every corpus message (CRLF line ends; NUL bytes through literal8, bare CR kept) comes back byte for byte,
        /// and a copy from one server to the other is byte-identical to what the first one serves.
        @Test func corpusRoundTripsByteForByte() async throws {
            let files = try Self.corpusFiles()
            let bodies = try files.map { Self.crlf([UInt8](try Data(contentsOf: $0))) }
            let messages = bodies.map { AppendMessage(bytes: $0) }
            #expect(bodies.contains { $0.contains(0) }, "the corpus should hold messages with NUL bytes")
            #expect(bodies.contains { Self.hasBareCR($0) }, "the corpus should hold messages with bare CR")
            let folder = Dovecot.uniqueName("Corpus")

            let source = try await Dovecot.login("erin", on: .source)
            try await source.create(folder)
            let results = try await source.append(messages, to: folder)
            let served = try await Self.fetchAll(source, folder)
            var changed: [String] = []
            for (index, result) in results.enumerated() where served[result.uid ?? 0] != bodies[index] {
                changed.append(files[index].lastPathComponent)
            }
            #expect(changed.isEmpty, "changed in transit: \(changed)")

            // Source to target, as a migration copies: raw files this time, whatever line ends they have.
            let raw = try files.map { AppendMessage(bytes: [UInt8](try Data(contentsOf: $0))) }
            let rawResults = try await source.append(raw, to: folder)
            let servedRaw = try await Self.fetchAll(source, folder)
            let target = try await Dovecot.login("erin", on: .target)
            try await target.create(folder)
            let copyBodies = rawResults.compactMap { servedRaw[$0.uid ?? 0] }
            let copies = copyBodies.map { AppendMessage(bytes: $0) }
            #expect(copies.count == raw.count)
            let copyResults = try await target.append(copies, to: folder)
            let copied = try await Self.fetchAll(target, folder)
            var differing: [String] = []
            for (index, result) in copyResults.enumerated() where copied[result.uid ?? 0] != copyBodies[index] {
                differing.append(files[index].lastPathComponent)
            }
            #expect(differing.isEmpty, "source and target copies differ: \(differing)")

            try await source.delete(folder)
            try await target.delete(folder)
            try await source.logout()
            try await target.logout()
        }
    }
}
