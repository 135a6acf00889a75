import Foundation
import MailMigCore
import MailMigIMAP
import Testing

/// Inputs from the field that once broke exactly-once copying, verification or planning.
@Suite("Mail migration: field faults", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailFieldFaultTests {
    /// A source and a target user and a plan between them; removed at the end.
    struct Pair {
        let user = MailTestServers.uniqueUser("field")
        let workspace: MailPlanWorkspace

        init(extra: String = "") throws {
            try MailTestServers.addUser(user, on: .source)
            try MailTestServers.addUser(user, on: .target)
            workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)], extra: extra)
        }

        /// Appends raw messages to `folder` (created when missing) over IMAP.
        func append(_ messages: [AppendMessage], to folder: String, on instance: MailTestServers.Instance) async throws {
            let client = try await MailTestServers.client(user, on: instance)
            if folder != "INBOX" { try? await client.create(folder) }
            for start in stride(from: 0, to: messages.count, by: 500) {
                _ = try await client.multiAppend(Array(messages[start..<min(messages.count, start + 500)]), to: folder)
            }
            await client.close()
        }

        func snapshot(_ instance: MailTestServers.Instance) throws -> MailboxSnapshot { try MailTestServers.snapshot(user, on: instance) }

        func cleanUp() {
            workspace.remove()
            MailTestServers.removeUsers([user])
        }
    }

    /// A small message with `messageIDHeader` as its Message-ID field (raw bytes).
    static func message(_ index: Int, messageIDHeader: [UInt8], flags: [String] = []) -> AppendMessage {
        var bytes = Array("From: field@example.test\r\nTo: user@example.test\r\nSubject: field fault \(index)\r\n".utf8)
        bytes += messageIDHeader + Array("\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nbody \(index)\r\n".utf8)
        return AppendMessage(bytes: bytes, flags: flags, internalDate: InternalDate("02-Nov-2026 10:0\(index % 10):00 +0000"))
    }

    @Test("a crash right after APPEND never duplicates a message, whatever its Message-ID looks like; verify counts a second copy as a difference")
    func unusualMessageIDsAfterCrash() async throws {
        let pair = try Pair()
        defer { pair.cleanUp() }
        // Message-ID shapes that a header search does not find reliably: invalid UTF-8, quoting and
        // backslashes, a folded field, an overlong one, a field given twice, an empty one.
        let shapes: [[UInt8]] = [
            Array("Message-ID: <".utf8) + [0xFF, 0xFE] + Array("-17d@example.test>".utf8),
            Array("Message-ID: <\"odd \\\"quoted\\\" local\"@example.test>".utf8),
            Array("Message-ID:\r\n <folded-over-two-lines@example.test>".utf8),
            Array("Message-ID: <\(String(repeating: "x", count: 900))@example.test>".utf8),
            Array("Message-ID: <first@example.test>\r\nMessage-ID: <second@example.test>".utf8),
            Array("Message-ID: <>".utf8),
            Array("Message-ID: <caf\u{E9}-8bit@example.test>".utf8),
        ]
        try await pair.append(shapes.enumerated().map { Self.message($0.offset, messageIDHeader: $0.element) }, to: "INBOX", on: .source)
        let (killed, output) = try pair.workspace.applyKilled(after: nil, fault: "kill-after:mail-append:1")
        #expect(killed, "the first apply dies right after the target confirmed the chunk: \(output)")
        let second = try pair.workspace.mailmig(["apply", "--auto-approve"])
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("\(shapes.count) found on the target from an interrupted run and recorded"), "\(second.stdout)")
        let source = try pair.snapshot(.source).folders["INBOX"]?.messages.map(\.sha256).sorted() ?? []
        let target = try pair.snapshot(.target).folders["INBOX"]?.messages.map(\.sha256).sorted() ?? []
        #expect(source.count == shapes.count)
        #expect(target == source, "each message exactly once on the target: \(target.count) copies of \(source.count) messages")
        let verify = try pair.workspace.mailmig(["verify", "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        // A second copy of a message mailmig copied is a difference, not a warning.
        try await pair.append([Self.message(0, messageIDHeader: shapes[0])], to: "INBOX", on: .target)
        let again = try pair.workspace.mailmig(["verify", "--deep"])
        #expect(again.status == 1, "\(again.stdout)")
        #expect(again.stdout.contains("a second copy on the target of a message mailmig copied"), "\(again.stdout)")
    }

    @Test("a folder of thousands of scattered UIDs plans and copies: every command stays under the server's 8 KiB line limit")
    func scatteredUIDs() async throws {
        let pair = try Pair()
        defer { pair.cleanUp() }
        let total = 6_000
        let messages = (0..<total).map { index in
            AppendMessage(bytes: Array("From: a@example.test\r\nSubject: scattered \(index)\r\nMessage-ID: <s\(index)@example.test>\r\n\r\n\(index)\r\n".utf8),
                          flags: index % 3 == 0 ? ["\\Seen"] : [], internalDate: nil)
        }
        try await pair.append(messages, to: "Big", on: .source)
        // Every second message removed: the rest have UIDs 1, 3, 5, … (no two in one range).
        let client = try await MailTestServers.client(pair.user, on: .source)
        _ = try await client.select("Big")
        try await client.store(UIDSet(stride(from: UInt32(2), through: UInt32(total), by: 2)), .add, flags: ["\\Deleted"])
        try await client.expunge()
        await client.close()
        let plan = try pair.workspace.mailmig(["plan"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("3,000 messages"), "\(plan.stdout)")
        let apply = try pair.workspace.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout.suffix(2000))\(apply.stderr)")
        #expect(apply.stderr.count < 2_000, "errors quote commands short: \(apply.stderr.count) characters")
        let target = try pair.snapshot(.target).folders["Big"]?.messages ?? []
        #expect(target.count == total / 2)
        let verify = try pair.workspace.mailmig(["verify"])
        #expect(verify.status == 0, "\(verify.stdout.suffix(2000))")
    }

    @Test("keywords compare case-insensitively: $MdnSent on the source and $MDNSent on the target verify, and plan stays quiet")
    func keywordCase() async throws {
        // The target's Sent holds a message of its own; the plan says to copy beside it.
        let pair = try Pair(extra: "dedupe: none\n")
        defer { pair.cleanUp() }
        // The target's Sent already knows the keyword as $MDNSent, so it stores any spelling that way.
        try await pair.append([Self.message(1, messageIDHeader: Array("Message-ID: <earlier@example.test>".utf8), flags: ["$MDNSent"])],
                              to: "Sent", on: .target)
        try await pair.append([Self.message(2, messageIDHeader: Array("Message-ID: <mdn@example.test>".utf8), flags: ["\\Seen", "$MdnSent"])],
                              to: "Sent", on: .source)
        _ = try pair.workspace.apply()
        let stored = try pair.snapshot(.target).folders["Sent"]?.messages.flatMap(\.flags) ?? []
        #expect(stored.contains("$MDNSent"), "the target spells it its own way: \(stored)")
        let verify = try pair.workspace.mailmig(["verify", "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(!verify.stdout.contains("flags differ"), "\(verify.stdout)")
        #expect(try pair.workspace.plan().contains("No changes"))
    }

    @Test("two source folders that would merge into one target folder are refused at plan time, and nothing is copied")
    func foldersWouldMerge() async throws {
        let pair = try Pair(extra: "folders:\n  map:\n    \"Clubs/Old\": \"Clubs/chess_com\"\n")
        defer { pair.cleanUp() }
        try await pair.append([Self.message(1, messageIDHeader: Array("Message-ID: <a@example.test>".utf8))], to: "Clubs.chess_com", on: .source)
        try await pair.append([Self.message(2, messageIDHeader: Array("Message-ID: <b@example.test>".utf8))], to: "Clubs.Old", on: .source)
        let plan = try pair.workspace.mailmig(["plan"])
        #expect(plan.status == 1, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("would all go to the target folder 'Clubs/chess_com'"), "\(plan.stdout)")
        #expect(plan.stdout.contains("'Clubs/Old'") && plan.stdout.contains("'Clubs/chess_com' and") || plan.stdout.contains("and 'Clubs/chess_com'"))
        #expect(plan.stdout.contains("folders.map"))
        #expect(plan.stdout.contains("Nothing to apply") && !plan.stdout.contains("No changes"), "\(plan.stdout)")
        let apply = try pair.workspace.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 1)
        #expect(try pair.snapshot(.target).folders["Clubs/chess_com"] == nil, "nothing merged")
    }

    @Test("a date the target cannot store is recorded when copied, and verify reports it as a limit of the server without failing")
    func dateTheTargetRewrites() async throws {
        let pair = try Pair()
        defer { pair.cleanUp() }
        try await pair.append([Self.message(1, messageIDHeader: Array("Message-ID: <today@example.test>".utf8))], to: "INBOX", on: .source)
        // Maildir keeps the internal date in the file's mtime, so the source can hold a date from 2040,
        // which Dovecot cannot take through APPEND (it stores the current time instead).
        let config = URL(fileURLWithPath: try TestEnvironment.require("MAILMIG_TEST_IMAP_SOURCE_CONFIG"))
        let inbox = config.deletingLastPathComponent().appendingPathComponent("mail/\(pair.user)")
        let file = inbox.appendingPathComponent("new/2208988800.M1P1.field")
        try Data("From: a@example.test\r\nSubject: from the future\r\nMessage-ID: <future@example.test>\r\n\r\nlater\r\n".utf8).write(to: file)
        let owner = try FileManager.default.attributesOfItem(atPath: inbox.appendingPathComponent("cur").path)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 2_208_988_800), .ownerAccountID: owner[.ownerAccountID] as Any,
                                               .groupOwnerAccountID: owner[.groupOwnerAccountID] as Any], ofItemAtPath: file.path)
        let dates = try pair.snapshot(.source).folders["INBOX"]?.messages.compactMap(\.internalDate) ?? []
        #expect(dates.contains(2_208_988_800), "the source holds the 2040 date: \(dates)")
        // Killed right after the target confirmed the chunk: recovery must find the copy by its bytes,
        // although the target gave it another date, and record what the target changed.
        let (killed, output) = try pair.workspace.applyKilled(after: nil, fault: "kill-after:mail-append:1")
        #expect(killed, "\(output)")
        _ = try pair.workspace.apply()
        #expect(try pair.snapshot(.target).folders["INBOX"]?.messages.count == 2, "each message once on the target")
        let verify = try pair.workspace.mailmig(["verify", "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("the target stores this differently"), "\(verify.stdout)")
        #expect(verify.stdout.contains("01-Jan-2040"), "\(verify.stdout)")
        #expect(try pair.workspace.plan().contains("No changes"))
    }

    @Test("apply's summary names the messages it skipped on purpose")
    func skippedInSummary() async throws {
        let pair = try Pair(extra: "filters:\n  max_message_size: 1MB\n")
        defer { pair.cleanUp() }
        let large = AppendMessage(bytes: Array(("From: a@example.test\r\nSubject: large\r\nMessage-ID: <large@example.test>\r\n\r\n"
                                                + String(repeating: "0123456789abcdef\r\n", count: 70_000) + "\r\n").utf8),
                                  flags: [], internalDate: nil)
        try await pair.append([Self.message(1, messageIDHeader: Array("Message-ID: <small@example.test>".utf8)), large], to: "INBOX", on: .source)
        let output = try pair.workspace.apply()
        #expect(output.stdout.contains("1 skipped on purpose"), "\(output.stdout)")
        #expect(output.stdout.contains("1 message skipped on purpose (mailmig status says why)"), "\(output.stdout)")
        #expect(try pair.workspace.state().skipped().map(\.messageID) == ["<large@example.test>"], "a skipped message is named by its Message-ID")
    }
}
