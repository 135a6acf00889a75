import Foundation
import Testing

/// A source whose personal namespace has the prefix `INBOX.` (as Courier and Cyrus have), holding a
/// folder `INBOX.Inbox` beside the INBOX: every command on it must use the name LIST gave.
@Suite("Names: a source with the namespace prefix INBOX.", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct NamespacePrefixTests {
    /// Creates `INBOX.Inbox` and appends messages to it and to the INBOX, over IMAP as the master user.
    static let seed = #"""
    import imaplib, ssl, sys
    port, ca, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    imap = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context)
    imap.login(user + "*admin", "secret-admin")
    imap.create("INBOX.Inbox")
    for folder, tag, count in (("INBOX", "inbox", 3), ("INBOX.Inbox", "lookalike", 2)):
        for index in range(count):
            text = f"From: a@acme.test\r\nSubject: {tag} {index}\r\nMessage-ID: <{index}.{tag}@acme.test>\r\n\r\nbody of {tag} {index}\r\n"
            status, data = imap.append(folder, "(\\Seen $Label1)", None, text.encode())
            assert status == "OK", (folder, data)
    imap.logout()
    """#

    /// The Maildir folder `.Caf&AOk` of a source user.
    static func undecodableFolder(_ servers: PrivateDovecot, user: String) -> URL {
        servers.folder.appendingPathComponent("dovecot/source/mail/\(user)/.Caf&AOk")
    }

    /// Puts a Maildir folder `.Caf&AOk` with one message into the source user's mail. Dovecot refuses to
    /// CREATE a name that is not valid modified UTF-7; one it finds on disk it lists escaped
    /// (`INBOX.Caf&-AOk`), and then refuses to open (`NO Mailbox doesn't exist`).
    static func addUndecodableFolder(_ servers: PrivateDovecot, user: String) throws {
        let maildir = undecodableFolder(servers, user: user)
        let manager = FileManager.default
        for part in ["cur", "new", "tmp"] {
            try manager.createDirectory(at: maildir.appendingPathComponent(part), withIntermediateDirectories: true)
        }
        let message = maildir.appendingPathComponent("cur/1700000000.M1P1.mailmig:2,S")
        try Data("Subject: undecodable\r\nMessage-ID: <caf@acme.test>\r\n\r\nin a folder named Caf&AOk\r\n".utf8).write(to: message)
        for path in [maildir.path] + ["cur", "new", "tmp"].map({ maildir.appendingPathComponent($0).path }) + [message.path] {
            try manager.setAttributes([.ownerAccountID: 8, .groupOwnerAccountID: 8], ofItemAtPath: path)
        }
    }

    @Test("INBOX and INBOX.Inbox are copied each to its own target folder and verify; a folder Dovecot lists but cannot open stops only itself")
    func prefixedSource() throws {
        let servers = try PrivateDovecot(sourcePrefix: "INBOX.")
        defer { servers.remove() }
        try servers.addUser("nsp-src", on: .source)
        try servers.addUser("nsp-tgt", on: .target)
        try Spawn.succeed("python3", ["-c", Self.seed, String(servers.tlsPort(.source)), servers.certificate("ca.crt"), "nsp-src"])
        try Self.addUndecodableFolder(servers, user: "nsp-src")
        let ca = servers.certificate("ca.crt")
        let plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [("nsp-src", "nsp-tgt")],
                                 extra: "folders:\n  map: { \"Inbox\": \"Old Inbox\" }\n")
        defer { plan.remove() }

        let shown = try plan.mailmig(["plan"])
        #expect(shown.status == 0, "mailmig plan exited with \(shown.status):\n\(shown.stdout)\(shown.stderr)")
        #expect(shown.stdout.contains("INBOX.Inbox (not the INBOX) → Old Inbox"), "\(shown.stdout)")

        // The folder Dovecot lists but will not open stops only itself, and the failure names it.
        let apply = try plan.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 1, "mailmig apply exited with \(apply.status):\n\(apply.stdout)\(apply.stderr)")
        let failure = apply.stdout.split(separator: "\n").first { $0.contains("✗ mailbox.nsp-src@acme.test") } ?? ""
        #expect(failure.contains("folder Caf&AOk") && failure.contains("the other folders were copied"), "\(apply.stdout)")
        #expect(failure.count < 400, "\(failure)")
        try FileManager.default.removeItem(at: Self.undecodableFolder(servers, user: "nsp-src"))

        let source = try servers.snapshot("nsp-src", on: .source)
        let target = try servers.snapshot("nsp-tgt", on: .target)
        // dump.py joins levels with `/`: the source's INBOX.Inbox is INBOX/Inbox there.
        #expect(source.multisets["INBOX"]?.count == 3 && source.multisets["INBOX/Inbox"]?.count == 2, "\(source.multisets.keys.sorted())")
        let expected = source.expectedTarget { name, _ in name == "INBOX/Inbox" ? "Old Inbox" : name.replacingOccurrences(of: "INBOX/", with: "") }
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")

        let completed = try plan.mailmig(["apply", "--auto-approve"])
        #expect(completed.status == 0, "mailmig apply exited with \(completed.status):\n\(completed.stdout)\(completed.stderr)")
        let verify = try plan.mailmig(["verify"])
        #expect(verify.status == 0, "mailmig verify exited with \(verify.status):\n\(verify.stdout)\(verify.stderr)")
        let again = try plan.mailmig(["apply", "--auto-approve"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try servers.snapshot("nsp-tgt", on: .target).count == target.count, "a second apply copied again")
    }
}
