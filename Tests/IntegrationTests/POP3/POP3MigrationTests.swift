import Foundation
import MailMigCore
import Testing

/// `mailmig` with the source Dovecot's POP3 side as source and its IMAP target: a maildrop copied
/// byte for byte and dated by the arrival rule, passes that settle, kills that lose and duplicate
/// nothing, `pop3_folder`, and a refused login that stops only its own mailbox.
@Suite("Mail migration from POP3", .serialized,
       .enabled(if: TestEnvironment.isEnabled), .enabled(if: POP3TestServer.isConfigured,
       "the running test servers do not serve POP3 (no MAILMIG_TEST_POP3_SOURCE_PORT): restart them with scripts/testenv/dovecot.sh start"))
struct POP3MigrationTests {
    /// A source user holding `maildrop`, and an empty target user of the same name.
    static func users(_ base: String, holding maildrop: POP3Maildrop) async throws -> String {
        let user = MailTestServers.uniqueUser(base)
        try MailTestServers.addUser(user, on: .source)
        try MailTestServers.addUser(user, on: .target)
        try await maildrop.load(into: user)
        return user
    }

    /// The target folder's message hashes, sorted, and its internal dates by hash.
    static func target(_ user: String, folder: String = "INBOX") throws -> (hashes: [String], dates: [String: Int?], snapshot: MailboxSnapshot) {
        let snapshot = try MailTestServers.snapshot(user, on: .target)
        let messages = snapshot.folders[folder]?.messages ?? []
        let dates = Dictionary(messages.map { ($0.sha256, $0.internalDate) }, uniquingKeysWith: { first, _ in first })
        return (messages.map(\.sha256).sorted(), dates, snapshot)
    }

    @Test("1,008 messages (8-bit bodies, no Message-ID, a shared Message-ID, dot lines, 5 MB, NUL bytes) arrive byte for byte and dated; the next plan has no changes; a new message is the only one copied next")
    func copiesTheMaildrop() async throws {
        let maildrop = POP3Maildrop(count: 1_002, large: 2, extra: try POP3IntegrationTests.corpusMessages().map(\.bytes))
        let user = try await Self.users("pop3mig", holding: maildrop)
        defer { MailTestServers.removeUsers([user]) }
        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)], sourcePOP3: .init())
        defer { workspace.remove() }

        let planned = try workspace.plan()
        #expect(planned.contains("1,008 messages") && planned.contains("from POP3 to INBOX"), "\(planned)")
        let first = try workspace.apply()
        let copied = try Self.target(user)
        #expect(copied.hashes == maildrop.hashes, "the target INBOX is not the maildrop, byte for byte (\(copied.hashes.count) of \(maildrop.messages.count))")
        #expect(copied.snapshot.count == maildrop.messages.count, "messages outside INBOX: \(copied.snapshot.folders.keys.sorted())")
        let dated = maildrop.messages.filter { $0.arrival != nil }
        let wrongDates = dated.filter { copied.dates[$0.sha256] != $0.arrival }
        #expect(dated.count > 900)
        #expect(wrongDates.isEmpty, "\(wrongDates.count) copies have another internal date than their topmost Received: or Date:, e.g. \(wrongDates.first.map { "\($0.arrival ?? 0) vs \(String(describing: copied.dates[$0.sha256]))" } ?? "")")
        #expect(copied.snapshot.allMessages.allSatisfy { $0.flags.isEmpty }, "POP3 has no flags to copy")
        let adminPassword = try MailTestServers.adminPassword()
        #expect(!first.stdout.contains(adminPassword) && !first.stderr.contains(adminPassword), "the admin password was printed")

        #expect(try workspace.plan().contains("No changes."), "an unchanged maildrop needs no pass")
        let again = try workspace.apply()
        #expect(try Self.target(user).hashes.count == maildrop.messages.count, "a second apply copied something:\n\(again.stdout)")
        let verify = try workspace.mailmig(["verify", "--deep"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(try await POP3IntegrationTests.inboxUIDs(user).count == maildrop.messages.count, "the source lost messages")

        let discover = try workspace.mailmig(["discover", "--json"])
        #expect(discover.status == 0, "\(discover.stderr)")
        let line = try #require(discover.stdout.split(separator: "\n").first { $0.contains("\"discover-mailbox\"") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let folders = try #require(object["folders"] as? [[String: Any]])
        #expect(folders.count == 1 && folders.first?["path"] as? String == "INBOX", "\(folders)")
        #expect(folders.first?["messages"] as? Int == maildrop.messages.count)

        let delivered = POP3Maildrop(count: 3, first: 2_000)
        try await delivered.load(into: user)
        #expect(try workspace.plan().contains("3 messages"), "the plan should show the three new messages")
        _ = try workspace.apply()
        #expect(try Self.target(user).hashes == (maildrop.hashes + delivered.hashes).sorted())
        #expect(try workspace.plan().contains("No changes."))
    }

    @Test("5 applies killed with SIGKILL (two at crash points, three at random moments), re-run until done: each message exactly once")
    func killedAndResumed() async throws {
        let maildrop = POP3Maildrop(count: 400, large: 6, largeSize: 600_000)
        let user = try await Self.users("pop3kill", holding: maildrop)
        var users = [user]
        defer { MailTestServers.removeUsers(users) }
        var generator = SystemRandomNumberGenerator()
        let kills: [(fault: String?, delay: Double?)] = [("kill-after:mail-append:2", nil), ("kill-after:mail-pending:3", nil)]
            + (0..<3).map { _ in (nil, Double.random(in: 0.3...1.5, using: &generator)) }
        var outcomes: [String] = []
        for (index, kill) in kills.enumerated() {
            let target = "\(user)-t\(index)"
            users.append(target)
            try MailTestServers.addUser(target, on: .target)
            let workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: target)], sourcePOP3: .init())
            defer { workspace.remove() }
            let first = try workspace.applyKilled(after: kill.delay, fault: kill.fault)
            if kill.fault != nil { #expect(first.killed, "trial \(index): the crash point \(kill.fault ?? "") was never reached:\n\(first.output)") }
            var runs = 1
            var done = false
            while !done, runs < 6 {
                runs += 1
                done = try workspace.mailmig(["apply", "--auto-approve"]).status == 0
            }
            #expect(done, "trial \(index): apply did not succeed within 5 runs")
            let copied = try Self.target(target).hashes
            #expect(copied == maildrop.hashes, "trial \(index): \(copied.count) messages on the target, \(maildrop.messages.count) expected")
            let address = "\(user)@acme.test"
            #expect(try workspace.state().pendingCopies(mailbox: address).isEmpty, "trial \(index): pending copies left")
            #expect(try workspace.state().ledger(mailbox: address).count == maildrop.messages.count, "trial \(index): ledger rows")
            #expect(try workspace.plan().contains("No changes."), "trial \(index): work left after recovery")
            outcomes.append("trial \(index + 1): \(kill.fault ?? String(format: "kill -9 after %.2f s", kill.delay ?? 0)), killed: \(first.killed), runs: \(runs)")
            MailTestServers.removeUser(target, on: .target)
        }
        print("POP3 SIGKILL trials:\n  " + outcomes.joined(separator: "\n  "))
    }

    @Test("pop3_folder puts the maildrop into another target folder, created on the way; INBOX stays empty")
    func otherTargetFolder() async throws {
        let maildrop = POP3Maildrop(count: 20)
        let user = try await Self.users("pop3fold", holding: maildrop)
        defer { MailTestServers.removeUsers([user]) }
        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: user, target: user)], sourcePOP3: .init(folder: "Archive/Old POP"))
        defer { workspace.remove() }
        _ = try workspace.apply()
        let copied = try Self.target(user, folder: "Archive/Old POP")
        #expect(copied.hashes == maildrop.hashes)
        #expect(copied.snapshot.folders["INBOX"]?.messages.isEmpty ?? true)
        #expect(try workspace.plan().contains("No changes."))
        let verify = try workspace.mailmig(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("a refused POP3 login fails its own mailbox, naming the server and the mailbox and never the password; the other mailbox is copied")
    func wrongPassword() async throws {
        let good = POP3Maildrop(count: 5)
        let refused = POP3Maildrop(count: 5, first: 100)
        let goodUser = try await Self.users("pop3ok", holding: good)
        let refusedUser = try await Self.users("pop3no", holding: refused)
        defer { MailTestServers.removeUsers([goodUser, refusedUser]) }
        let login = #"{ style: per-mailbox, user_format: "{localpart}", password: "file:secrets/{localpart}" }"#
        let workspace = try MailPlanWorkspace(mailboxes: [.init(source: refusedUser, target: refusedUser), .init(source: goodUser, target: goodUser)],
                                              sourcePOP3: .init(login: login))
        defer { workspace.remove() }
        let secrets = workspace.folder.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        try MailTestServers.userPassword.write(to: secrets.appendingPathComponent(goodUser), atomically: true, encoding: .utf8)
        let wrong = "wrong-\(UUID().uuidString.prefix(8))"
        try wrong.write(to: secrets.appendingPathComponent(refusedUser), atomically: true, encoding: .utf8)

        let output = try workspace.mailmig(["apply", "--auto-approve"])
        let text = output.stdout + output.stderr
        #expect(output.status != 0, "an apply with a failed mailbox must not exit 0:\n\(text)")
        let failure = text.split(separator: "\n").first { $0.contains("\(refusedUser)@acme.test") && $0.contains("PASS") }
        #expect(failure != nil, "no line names the mailbox and the refused command:\n\(text)")
        #expect(failure?.contains(try MailTestServers.host(.source)) == true, "the failure does not name the server: \(failure ?? "")")
        #expect(!text.contains(wrong) && !text.contains(MailTestServers.userPassword), "a password was printed")
        #expect(try Self.target(goodUser).hashes == good.hashes, "the other mailbox was not copied")
        #expect(try Self.target(refusedUser).hashes.isEmpty)
        let status = try workspace.mailmig(["status"])
        #expect(status.stdout.contains(refusedUser), "\(status.stdout)")

        try MailTestServers.userPassword.write(to: secrets.appendingPathComponent(refusedUser), atomically: true, encoding: .utf8)
        _ = try workspace.apply()
        #expect(try Self.target(refusedUser).hashes == refused.hashes, "the re-run with the right password did not resume")
    }
}
