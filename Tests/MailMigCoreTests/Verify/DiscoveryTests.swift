import Foundation
import Testing
@testable import MailMigCore
import MailMigPlanFile

/// Discovery's risk rules, the enumerate output parser and the `source.enumerate` key.
@Suite("Discover: risks, enumerate")
struct DiscoveryTests {
    static func folder(_ levels: [String], role: String? = nil, messages: Int = 1, bytes: Int64 = 100, oversize: [OversizeMessage] = []) -> DiscoveredFolder {
        DiscoveredFolder(path: levels.joined(separator: "/"), levels: levels, specialUse: role, selectable: true, messages: messages, bytes: bytes,
                         oversize: oversize)
    }

    static func mailbox(_ folders: [DiscoveredFolder], error: String? = nil) -> DiscoveredMailbox {
        DiscoveredMailbox(source: "a@acme.test", target: "a@acme.test", inPlan: true, error: error, folders: folders, risks: [])
    }

    static func kinds(_ mailbox: DiscoveredMailbox, delimiter: Character? = "/") -> [DiscoveryRisk.Kind] {
        DiscoveryRisks.assess(mailbox, targetDelimiter: delimiter, maxMessageSize: ByteSize(bytes: 1_000)).map(\.kind)
    }

    @Test("a small, plain mailbox has no risks")
    func none() {
        #expect(Self.kinds(Self.mailbox([Self.folder(["INBOX"]), Self.folder(["Projects", "2024"])])).isEmpty)
    }

    @Test("50 GB or more is a large mailbox, 30 GB in the trash a large trash; just below is not")
    func sizes() {
        #expect(Self.kinds(Self.mailbox([Self.folder(["INBOX"], bytes: 49_999_999_999)])).isEmpty)
        #expect(Self.kinds(Self.mailbox([Self.folder(["INBOX"], bytes: 50_000_000_000)])) == [.largeMailbox])
        #expect(Self.kinds(Self.mailbox([Self.folder(["Trash"], role: "\\Trash", bytes: 29_999_999_999)])).isEmpty)
        #expect(Self.kinds(Self.mailbox([Self.folder(["Deleted"], role: "\\Trash", bytes: 30_000_000_000)])) == [.largeTrash])
    }

    @Test("more than 500,000 messages is flagged, exactly 500,000 is not")
    func items() {
        #expect(Self.kinds(Self.mailbox([Self.folder(["INBOX"], messages: 500_000)])).isEmpty)
        #expect(Self.kinds(Self.mailbox([Self.folder(["INBOX"], messages: 500_001)])) == [.manyItems])
    }

    @Test("a level holding the target's delimiter, or a name over 255 bytes, is a folder-name risk")
    func names() {
        let slash = Self.mailbox([Self.folder(["Clients", "A/B"])])
        #expect(Self.kinds(slash, delimiter: "/") == [.folderName])
        #expect(DiscoveryRisks.assess(slash, targetDelimiter: "/", maxMessageSize: nil).first?.message.contains("'A_B'") == true)
        #expect(Self.kinds(slash, delimiter: ".").isEmpty)
        #expect(Self.kinds(Self.mailbox([Self.folder(["v1.2"])]), delimiter: ".") == [.folderName])
        #expect(Self.kinds(Self.mailbox([Self.folder(["a", String(repeating: "é", count: 127)])])) == [.folderName])
        #expect(Self.kinds(Self.mailbox([Self.folder(["a", String(repeating: "é", count: 126)])])).isEmpty)
        #expect(Self.kinds(slash, delimiter: nil).isEmpty)
    }

    @Test("oversize messages are a risk naming count, limit and largest size; a failed login is the only risk")
    func oversizeAndLogin() {
        let big = Self.mailbox([Self.folder(["INBOX"], oversize: [OversizeMessage(uid: 3, size: 2_048), OversizeMessage(uid: 4, size: 4_096)])])
        let risks = DiscoveryRisks.assess(big, targetDelimiter: "/", maxMessageSize: ByteSize(bytes: 1_000))
        #expect(risks.map(\.kind) == [.oversize])
        #expect(risks.first?.message.contains("2 messages are larger than filters.max_message_size") == true)
        #expect(risks.first?.message.contains("4.0 KiB") == true)
        #expect(Self.kinds(Self.mailbox([], error: "source server x, mailbox a@acme.test: NO [AUTHENTICATIONFAILED]")) == [.loginFailed])
    }

    @Test("enumerate output: addresses, bare names with the default domain, comments, columns, duplicates, rejects")
    func parse() {
        let output = "alice\nbob@other.test\n\n# comment\ncarol\textra column\nalice\n@@bad\n"
        let parsed = SourceEnumerator.parse(output, defaultDomain: "acme.test")
        #expect(parsed.addresses.map(\.description) == ["alice@acme.test", "bob@other.test", "carol@acme.test"])
        #expect(parsed.rejected == ["@@bad"])
        #expect(SourceEnumerator.parse("alice\n", defaultDomain: nil).rejected == ["alice"])
    }

    @Test("enumerate runs a program without a shell and fails with its exit status and error output")
    func run() async throws {
        let output = try await SourceEnumerator.run(["printf", "a@x.test\\nb@x.test\\n"], in: URL(fileURLWithPath: "/tmp"), environment: ["PATH": "/usr/bin:/bin"])
        #expect(output == "a@x.test\nb@x.test\n")
        await #expect(throws: SourceEnumerator.Failure.self) {
            _ = try await SourceEnumerator.run(["sh", "-c", "echo nope >&2; exit 3"], in: URL(fileURLWithPath: "/tmp"), environment: ["PATH": "/usr/bin:/bin"])
        }
        do {
            _ = try await SourceEnumerator.run(["sh", "-c", "echo nope >&2; exit 3"], in: URL(fileURLWithPath: "/tmp"), environment: ["PATH": "/usr/bin:/bin"])
        } catch {
            #expect("\(error)" == "source.enumerate (sh -c echo nope >&2; exit 3) failed: exited with 3: nope")
        }
        // A command that fails without a word ends the sentence at its status, not at a colon; what it
        // printed on its standard output is data, not a message.
        do {
            _ = try await SourceEnumerator.run(["sh", "-c", "echo a@x.test; exit 4"], in: URL(fileURLWithPath: "/tmp"), environment: ["PATH": "/usr/bin:/bin"])
            Issue.record("a failing command was taken for a success")
        } catch {
            #expect("\(error)" == "source.enumerate (sh -c echo a@x.test; exit 4) failed: exited with 4")
        }
    }

    static let serverPlan = """
        mailmig: 1
        name: t
        source:
          imap: { host: imap.acme.test }
          login: { admin: { user: admin, password: env:P } }
          enumerate: [doveadm, user, "*"]
        target:
          imap: { host: imap.new.test }
          login: { admin: { user: admin, password: env:P } }
        mailboxes: [a@acme.test]
        """

    @Test("source.enumerate loads as a list of words; on the target, empty, or not a list it is an error")
    func loader() {
        let loaded = PlanLoader.load(text: Self.serverPlan, file: "plan.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: .rfc2136)
        #expect(loaded.errors.isEmpty, "\(loaded.errors.map(\.message))")
        #expect(loaded.plan?.source.enumerate == ["doveadm", "user", "*"])
        #expect(loaded.plan?.target.enumerate == nil)

        let onTarget = Self.serverPlan.replacingOccurrences(of: "  login: { admin: { user: admin, password: env:P } }\nmailboxes",
                                                            with: "  login: { admin: { user: admin, password: env:P } }\n  enumerate: [x]\nmailboxes")
        let targetErrors = PlanLoader.load(text: onTarget, file: "plan.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: .rfc2136).errors.map(\.message)
        #expect(targetErrors == ["enumerate belongs to the source: it lists the mailboxes `mailmig discover` looks at"])

        let empty = Self.serverPlan.replacingOccurrences(of: "[doveadm, user, \"*\"]", with: "[]")
        #expect(PlanLoader.load(text: empty, file: "plan.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: .rfc2136).errors.map(\.message)
            == ["source.enumerate must name a program and its arguments, e.g. [doveadm, user, \"*\"]"])
        let scalar = Self.serverPlan.replacingOccurrences(of: "[doveadm, user, \"*\"]", with: "doveadm user")
        #expect(!PlanLoader.load(text: scalar, file: "plan.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: .rfc2136).errors.isEmpty)
    }
}
