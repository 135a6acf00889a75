import Foundation
import Testing

/// A source with a public namespace (`Public.`) and other users' namespace (`Users.<user>.`) beside the
/// personal one (RFC 2342), as Dovecot shared folders and Exchange public folders look over IMAP: by
/// default only the mailbox's own folders are copied; `folders.shared: include` copies the public ones
/// into `Shared`; other users' folders never.
@Suite("Names: shared and other users' namespaces", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct SharedNamespaceTests {
    /// Fills alice's INBOX and Team folder, a public folder Projects, and bob's INBOX, over IMAP as the master user.
    static let seed = #"""
    import imaplib, ssl, sys
    port, ca, alice, bob = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    def fill(user, folders):
        imap = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context)
        imap.login(user + "*admin", "secret-admin")
        for folder, count in folders:
            if folder != "INBOX":
                imap.create(folder)
            for index in range(count):
                text = f"From: a@acme.test\r\nSubject: {folder} {index}\r\nMessage-ID: <{index}.{folder}.{user}@acme.test>\r\n\r\nbody {index}\r\n"
                status, data = imap.append(folder, "(\\Seen)", None, text.encode())
                assert status == "OK", (folder, data)
        imap.logout()
    fill(alice, [("INBOX", 2), ("Team", 1), ("Public.Projects", 3)])
    fill(bob, [("INBOX", 2)])
    """#

    /// A private pair whose source has the two namespaces, seeded, with a plan for alice.
    static func prepare(_ servers: PrivateDovecot, suffix: String, folders: String) throws -> FaultPlan {
        for user in ["nss-alice\(suffix)", "nss-bob\(suffix)"] { try servers.addUser(user, on: .source) }
        try servers.addUser("nss-tgt\(suffix)", on: .target)
        try Spawn.succeed("python3", ["-c", Self.seed, String(servers.tlsPort(.source)), servers.certificate("ca.crt"),
                                      "nss-alice\(suffix)", "nss-bob\(suffix)"])
        let ca = servers.certificate("ca.crt")
        return try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                             target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                             mailboxes: [("nss-alice\(suffix)", "nss-tgt\(suffix)")], extra: folders)
    }

    @Test("by default only the mailbox's own folders are copied; plan and discover name the others")
    func personalOnly() throws {
        let servers = try PrivateDovecot(sourceShared: true)
        defer { servers.remove() }
        let plan = try Self.prepare(servers, suffix: "1", folders: "")
        defer { plan.remove() }
        let shown = try plan.mailmig(["plan"])
        #expect(shown.status == 0, "\(shown.stdout)\(shown.stderr)")
        #expect(shown.stdout.contains("of shared or other users' namespaces left out (folders.shared)"), "\(shown.stdout)")
        let discovered = try plan.mailmig(["discover"])
        #expect(discovered.stdout.contains("Public/Projects (shared namespace: copied only with folders.shared: include)"), "\(discovered.stdout)")
        // The other users' namespace is announced, but this Dovecot (no ACL plugin, no shared-mailbox
        // dictionary) lists no other user's folders in it: that rule is covered by the unit tests.

        let apply = try plan.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let source = try servers.snapshot("nss-alice1", on: .source)
        #expect(source.multisets["Public/Projects"]?.count == 3, "the seed is not what the test expects: \(source.multisets.keys.sorted())")
        let target = try servers.snapshot("nss-tgt1", on: .target)
        let expected = source.expectedTarget { name, _ in name.hasPrefix("Public/") || name.hasPrefix("Users/") ? nil : name }
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        let verify = try plan.mailmig(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("folders.shared: include copies the public folders into Shared, never other users' folders; a second apply adds nothing")
    func sharedIncluded() throws {
        let servers = try PrivateDovecot(sourceShared: true)
        defer { servers.remove() }
        let plan = try Self.prepare(servers, suffix: "2", folders: "folders: { shared: include }\n")
        defer { plan.remove() }
        let shown = try plan.mailmig(["plan"])
        #expect(shown.stdout.contains("1 folder of shared namespaces copied (folders.shared)"), "\(shown.stdout)")
        #expect(try plan.mailmig(["apply", "--auto-approve"]).status == 0)
        #expect(try plan.mailmig(["apply", "--auto-approve"]).status == 0)
        let source = try servers.snapshot("nss-alice2", on: .source)
        let target = try servers.snapshot("nss-tgt2", on: .target)
        let expected = source.expectedTarget { name, _ in
            name.hasPrefix("Users/") ? nil : name.hasPrefix("Public/") ? "Shared/" + name.dropFirst("Public/".count) : name
        }
        #expect(target.multisets["Shared/Projects"]?.count == 3)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        let verify = try plan.mailmig(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
