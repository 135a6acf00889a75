import Foundation
import MailMigCore
import MailMigIMAP
import Testing

/// Where the target does not hold what the state says: the state folder lost after a migration, and
/// flags changed and a copy deleted on the target behind mailmig's back. Run through the built binary
/// against Dovecot.
@Suite("Mail migration: the state and the target disagree", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct MailVerifyFindingsTests {
    /// A corpus of 12 messages over a few folders.
    static let twelve = ["--messages", "12", "--seed", "14", "--attachments", "0"]

    @Test("after .mailmig/ is deleted, plan holds the mailbox back; with dedupe: target, apply copies nothing and verify passes")
    func stateFolderLost() throws {
        var migrated = try MigratedMailbox("statelost", corpus: Self.twelve)
        defer { migrated.cleanUp() }
        let messages = try migrated.count(on: .source)
        #expect(messages == 12)
        #expect(try migrated.count(on: .target) == messages)
        try migrated.workspace.loseState()

        // Without dedupe: the mailbox is held back, plan exits 1, and apply copies nothing.
        let held = try migrated.workspace.mailmig(["plan", "--no-color"])
        #expect(held.status == 1, "\(held.stdout)\(held.stderr)")
        #expect(held.stdout.contains("already holds mail the state knows nothing of") && held.stdout.contains(" messages)"), "\(held.stdout)")
        #expect(held.stdout.contains("dedupe: target"), "\(held.stdout)")
        let json = try migrated.workspace.mailmig(["plan", "--json"])
        #expect(json.stdout.contains("\"type\":\"blocked\"") && json.stdout.contains("dedupe: target"), "\(json.stdout)")
        _ = try migrated.workspace.mailmig(["apply", "--auto-approve", "--no-color"])
        #expect(try migrated.count(on: .target) == messages, "nothing was copied a second time")

        // With dedupe: target the plan warns, and the pass records what is there instead of copying it.
        migrated.workspace.extra = "dedupe: target\n"
        try migrated.workspace.write()
        let warned = try migrated.workspace.plan(["--no-color"])
        #expect(warned.contains("warning: the target already holds mail the state knows nothing of"), "\(warned)")
        let warnedJSON = try migrated.workspace.plan(["--json"])
        #expect(warnedJSON.contains("\"unrecorded_target\""), "\(warnedJSON)")
        let applied = try migrated.workspace.apply()
        #expect(applied.stdout.contains("warning: the target already holds mail"), "apply shows the warning before it copies:\n\(applied.stdout)")
        #expect(try migrated.count(on: .target) == messages, "nothing was copied a second time")
        let verify = try migrated.workspace.mailmig(["verify", "--no-color"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(try migrated.workspace.plan(["--no-color"]).contains("No changes"))
    }

    @Test("a flag set and a copy deleted on the target behind mailmig's back: verify fails, plan shows a pass for each, the pass puts both right")
    func targetChangedBehindOurBack() async throws {
        let migrated = try MigratedMailbox("flagdrift", corpus: Self.twelve)
        defer { migrated.cleanUp() }
        let before = try MailTestServers.snapshot(migrated.user, on: .target)
        let inbox = try #require(before.folders["INBOX"]?.messages.first)
        let other = try #require(before.folders.sorted { $0.key < $1.key }.first { $0.key != "INBOX" && !$0.value.messages.isEmpty })
        let deleted = try #require(other.value.messages.first)
        let client = try await MailTestServers.client(migrated.user, on: .target)
        _ = try await client.select("INBOX")
        _ = try await client.store(UIDSet([inbox.uid]), .add, flags: [inbox.flags.contains("\\Flagged") ? "\\Answered" : "\\Flagged"])
        try await client.logout()
        let separator = try MailTestServers.separator(.target)
        try MailTestServers.doveadm(.target, ["expunge", "-u", migrated.user, "mailbox", other.key.replacingOccurrences(of: "/", with: separator),
                                              "uid", "\(deleted.uid)"])
        #expect(try migrated.workspace.plan(["--no-color"]).contains("No changes"), "neither the ledger nor CONDSTORE on the source sees a change")

        let found = try migrated.workspace.mailmig(["verify", "--no-color"])
        #expect(found.status == 1, "\(found.stdout)")
        let planned = try migrated.workspace.plan(["--no-color"])
        #expect(planned.contains("verify found flags differing on 1 message in INBOX"), "\(planned)")
        #expect(planned.contains("verify found 1 message missing on the target in \(other.key)"), "\(planned)")
        _ = try migrated.workspace.apply()
        let after = try MailTestServers.snapshot(migrated.user, on: .target)
        let restored = try #require(after.folders["INBOX"]?.messages.first { $0.uid == inbox.uid })
        #expect(restored.flags.sorted() == inbox.flags.sorted())
        #expect(after.count == before.count, "the deleted copy is copied once more, nothing else")
        try migrated.expectTargetMatchesSource("after the pass")
        let verified = try migrated.workspace.mailmig(["verify", "--no-color"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(try migrated.workspace.plan(["--no-color"]).contains("No changes"))
    }
}
