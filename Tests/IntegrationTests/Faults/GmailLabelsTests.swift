import Foundation
import Testing

/// Gmail's labels on a real server: a private Dovecot seen through `scripts/gmail/proxy.py` as Gmail
/// (X-GM-EXT-1), whose source also has Gmail's virtual All Mail. No Gmail server is reachable here;
/// the proxy answers as Gmail's documentation says (developers.google.com/gmail/imap/imap-extensions).
@Suite("Gmail's labels against a Dovecot seen as Gmail", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct GmailLabelsTests {
    /// Appends messages over IMAP as the master user: argv[5:] are `folder=tag,tag,…`; a tag's
    /// message is the same bytes in every folder it is listed in, as one Gmail message in several labels.
    static let seed = #"""
    import imaplib, ssl, sys
    port, ca, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    imap = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context)
    imap.login(user + "*admin", "secret-admin")
    for spec in sys.argv[4:]:
        folder, tags = spec.split("=")
        if folder != "INBOX":
            imap.create(folder)
        for tag in tags.split(","):
            text = f"From: a@acme.test\r\nSubject: {tag}\r\nMessage-ID: <{tag}.{user}@acme.test>\r\n\r\nbody of {tag}\r\n"
            status, data = imap.append(folder, "(\\Seen)", '"01-Feb-2024 10:00:00 +0000"', text.encode())
            assert status == "OK", (folder, data)
    imap.logout()
    """#

    func counts(_ snapshot: MailboxSnapshot) -> [String: Int] { snapshot.multisets.mapValues(\.count).filter { $0.value > 0 } }

    @Test("labels: keywords from a Gmail source: each message once, in its first label's folder, its other labels as keywords; verify passes")
    func keywordsFromGmail() throws {
        let servers = try PrivateDovecot(sourceAllMail: true)
        defer { servers.remove() }
        try servers.addUser("gl-src", on: .source)
        try servers.addUser("gl-tgt", on: .target)
        let ca = servers.certificate("ca.crt")
        try Spawn.succeed("python3", ["-c", Self.seed, String(servers.tlsPort(.source)), ca, "gl-src",
                                      "INBOX=a,b", "Work=a,c", "Travel=a,c,d", "Hidden=e", "Trash=t"])
        let proxy = try GmailProxy(servers: servers, instance: .source, user: "gl-src")
        defer { proxy.stop() }
        let plan = try FaultPlan(source: .init(port: proxy.port, tls: "implicit", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [("gl-src", "gl-tgt")], extra: "folders: { labels: keywords, exclude: [Hidden] }\n")
        defer { plan.remove() }
        let shown = try plan.mailmig(["plan"])
        #expect(shown.stdout.contains("counted in each but copied once (folders.labels: keywords)"), "\(shown.stdout)\(shown.stderr)")
        let apply = try plan.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let target = try servers.snapshot("gl-tgt", on: .target)
        // Homes in the server's folder order after INBOX (Travel before Work): a in INBOX, c and d in Travel;
        // e is only in Hidden, which the plan leaves out: All Mail's own, into Archive.
        #expect(counts(target) == ["INBOX": 2, "Travel": 2, "Archive": 1, "Trash": 1], "\(counts(target))")
        let inboxFlags = Set(target.multisets["INBOX"]?.flatMap(\.flags) ?? [])
        #expect(inboxFlags.isSuperset(of: ["Work", "Travel"]), "a's other labels as keywords: \(inboxFlags)")
        let travelFlags = target.multisets["Travel"]?.map { Set($0.flags) } ?? []
        #expect(travelFlags.filter { $0.contains("Work") }.count == 1, "c's other label, not d's: \(travelFlags)")
        let verify = try plan.mailmig(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let again = try plan.mailmig(["plan"])
        #expect(again.stdout.contains("No changes."), "\(again.stdout)")
        #expect(proxy.lines("label").isEmpty, "the source is only read")
    }

    @Test("a Gmail target gets a message of two folders once, then a label; verify passes; a second plan has nothing to do")
    func labelsOnGmailTarget() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        try servers.addUser("gt-src", on: .source)
        try servers.addUser("gt-tgt", on: .target)
        let ca = servers.certificate("ca.crt")
        try Spawn.succeed("python3", ["-c", Self.seed, String(servers.tlsPort(.source)), ca, "gt-src", "INBOX=a,b", "Work=a,c"])
        let proxy = try GmailProxy(servers: servers, instance: .target, user: "gt-tgt")
        defer { proxy.stop() }
        let plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: proxy.port, tls: "implicit", caFile: ca), mailboxes: [("gt-src", "gt-tgt")])
        defer { plan.remove() }
        let apply = try plan.mailmig(["apply", "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let source = try servers.snapshot("gt-src", on: .source)
        let target = try servers.snapshot("gt-tgt", on: .target)
        #expect(target.multisets["INBOX"] == source.multisets["INBOX"])
        #expect(target.multisets["Work"] == source.multisets["Work"])
        let status = try plan.mailmig(["status"])
        #expect(status.stdout.contains("1 message labelled into a further folder instead of uploaded again"), "\(status.stdout)")
        let verify = try plan.mailmig(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let again = try plan.mailmig(["plan"])
        #expect(again.stdout.contains("No changes."), "\(again.stdout)")
        #expect(proxy.lines("label").count == 1, "\(proxy.stop())")
    }
}
