import Foundation
import MailMigCore
import Testing

/// Where the target does not hold what the state says: the state folder lost after a migration.
/// Run through the built binary against Dovecot.
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
        try FileManager.default.removeItem(at: migrated.workspace.folder.appendingPathComponent(".mailmig"))

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
}
