import Foundation
import Testing

/// The duplicate trap of Gmail's `[Gmail]/All Mail`, on a real server: a Dovecot whose virtual folder
/// `All Mail` holds every message of the user's other folders (but Trash and Junk) and is marked
/// `\All`. Copied as a folder it would bring every message twice; mailmig copies only its messages
/// that no copied folder holds (here those of a folder the plan excludes, as Gmail's archived
/// messages without a label), into Archive.
@Suite("Gmail's All Mail against a Dovecot virtual folder", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct AllMailTests {
    /// Fills INBOX, Projects, Hidden and Trash of a user over IMAP as the master user; with `late`,
    /// one more message each into INBOX and Hidden.
    static let seed = #"""
    import imaplib, ssl, sys
    port, ca, user, late = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] == "late"
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    imap = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context)
    imap.login(user + "*admin", "secret-admin")
    folders = [("INBOX", 1), ("Hidden", 1)] if late else [("INBOX", 3), ("Projects", 2), ("Hidden", 2), ("Trash", 1)]
    for folder, count in folders:
        if folder != "INBOX":
            imap.create(folder)
        for index in range(count):
            tag = ("late-" if late else "") + f"{folder}-{index}"
            text = f"From: a@acme.test\r\nSubject: {tag}\r\nMessage-ID: <{tag}.{user}@acme.test>\r\n\r\nbody of {tag}\r\n"
            status, data = imap.append(folder, "(\\Seen)", None, text.encode())
            assert status == "OK", (folder, data)
    imap.logout()
    """#

    func counts(_ snapshot: MailboxSnapshot) -> [String: Int] { snapshot.multisets.mapValues(\.count).filter { $0.value > 0 } }

    @Test("only All Mail's messages that no copied folder holds reach the target, in Archive; verify passes; a later pass adds only the new ones")
    func noDuplicate() throws {
        let servers = try PrivateDovecot(sourceAllMail: true)
        defer { servers.remove() }
        try servers.addUser("am-src", on: .source)
        try servers.addUser("am-tgt", on: .target)
        let ca = servers.certificate("ca.crt")
        try Spawn.succeed("python3", ["-c", Self.seed, String(servers.tlsPort(.source)), ca, "am-src", "first"])
        let source = try servers.snapshot("am-src", on: .source)
        let allMail = try #require(source.multisets.keys.first { $0.hasSuffix("All Mail") }, "the source has no All Mail folder: \(source.multisets.keys.sorted())")
        #expect(source.multisets[allMail]?.count == 7, "All Mail holds INBOX, Projects and Hidden, not Trash: \(counts(source))")

        let plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [("am-src", "am-tgt")], extra: "folders: { exclude: [Hidden] }\n")
        defer { plan.remove() }
        let shown = try plan.mailmig(["plan"])
        #expect(shown.stdout.contains("of All Mail compared with the other folders"), "\(shown.stdout)\(shown.stderr)")
        let apply = try plan.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let target = try servers.snapshot("am-tgt", on: .target)
        #expect(counts(target) == ["INBOX": 3, "Projects": 2, "Trash": 1, "Archive": 2], "\(counts(target))")
        #expect(target.multisets["Archive"] == source.multisets["Hidden"], "Archive holds exactly Hidden's messages")
        let verify = try plan.mailmig(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let again = try plan.mailmig(["plan"])
        #expect(again.stdout.contains("No changes."), "\(again.stdout)")

        try Spawn.succeed("python3", ["-c", Self.seed, String(servers.tlsPort(.source)), ca, "am-src", "late"])
        let later = try plan.mailmig(["apply", "--auto-approve"])
        #expect(later.status == 0, "\(later.stdout)\(later.stderr)")
        let grown = try servers.snapshot("am-tgt", on: .target)
        #expect(counts(grown) == ["INBOX": 4, "Projects": 2, "Trash": 1, "Archive": 3], "\(counts(grown))")
        let status = try plan.mailmig(["status"])
        #expect(status.stdout.contains("found in other folders, not copied again"), "\(status.stdout)")
        #expect(try plan.mailmig(["verify"]).status == 0)
    }
}
