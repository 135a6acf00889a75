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

    @Test("INBOX and INBOX.Inbox are copied each to its own target folder, the plan says INBOX.Inbox is not the INBOX, and verify passes")
    func inboxLookalike() throws {
        let servers = try PrivateDovecot(sourcePrefix: "INBOX.")
        defer { servers.remove() }
        try servers.addUser("nsp-src", on: .source)
        try servers.addUser("nsp-tgt", on: .target)
        try Spawn.succeed("python3", ["-c", Self.seed, String(servers.tlsPort(.source)), servers.certificate("ca.crt"), "nsp-src"])
        let ca = servers.certificate("ca.crt")
        let plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [("nsp-src", "nsp-tgt")],
                                 extra: "folders:\n  map: { \"Inbox\": \"Old Inbox\" }\n")
        defer { plan.remove() }

        let shown = try plan.mailmig(["plan"])
        #expect(shown.status == 0, "mailmig plan exited with \(shown.status):\n\(shown.stdout)\(shown.stderr)")
        #expect(shown.stdout.contains("INBOX.Inbox (not the INBOX) → Old Inbox"), "\(shown.stdout)")

        let apply = try plan.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 0, "mailmig apply exited with \(apply.status):\n\(apply.stdout)\(apply.stderr)")
        let source = try servers.snapshot("nsp-src", on: .source)
        let target = try servers.snapshot("nsp-tgt", on: .target)
        // dump.py joins levels with `/`: the source's INBOX.Inbox is INBOX/Inbox there.
        #expect(source.multisets["INBOX"]?.count == 3 && source.multisets["INBOX/Inbox"]?.count == 2, "\(source.multisets.keys.sorted())")
        let expected = source.expectedTarget { name, _ in name == "INBOX/Inbox" ? "Old Inbox" : name.replacingOccurrences(of: "INBOX/", with: "") }
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")

        let verify = try plan.mailmig(["verify"])
        #expect(verify.status == 0, "mailmig verify exited with \(verify.status):\n\(verify.stdout)\(verify.stderr)")
        let again = try plan.mailmig(["apply", "--auto-approve"])
        #expect(again.status == 0)
        #expect(try servers.snapshot("nsp-tgt", on: .target).count == target.count, "a second apply copied again")
    }
}
