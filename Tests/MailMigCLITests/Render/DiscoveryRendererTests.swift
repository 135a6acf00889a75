import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigCLI

/// The views of a discovery: the CSV for a plan, the human table and JSON lines.
@Suite("Discover: views")
struct DiscoveryRendererTests {
    static func folder(_ levels: [String], messages: Int = 1, bytes: Int64 = 100, oversize: [OversizeMessage] = []) -> DiscoveredFolder {
        DiscoveredFolder(path: levels.joined(separator: "/"), levels: levels, specialUse: nil, selectable: true, messages: messages, bytes: bytes,
                         oversize: oversize)
    }

    static func mailbox(_ folders: [DiscoveredFolder]) -> DiscoveredMailbox {
        DiscoveredMailbox(source: "a@acme.test", target: "a@acme.test", inPlan: true, error: nil, folders: folders, risks: [])
    }

    @Test("the CSV lists only mailboxes found by enumerate, quoted where needed")
    func csv() {
        var found = Self.mailbox([])
        found.inPlan = false
        found.source = "x,y@acme.test"
        found.target = "z@acme.test"
        let report = DiscoveryReport(mailboxes: [Self.mailbox([]), found], targetDelimiter: "/", notes: [])
        #expect(DiscoveryRenderer.csv(report) == "source,target,tags\n\"x,y@acme.test\",z@acme.test,discovered\n")
    }

    @Test("the human form has a table with totals and the risk summary; JSON lines carry type and version")
    func rendering() {
        var mailbox = Self.mailbox([Self.folder(["INBOX"], messages: 3, bytes: 300, oversize: [OversizeMessage(uid: 1, size: 2_000)])])
        mailbox.risks = DiscoveryRisks.assess(mailbox, targetDelimiter: "/", maxMessageSize: ByteSize(bytes: 1_000))
        let report = DiscoveryReport(mailboxes: [mailbox], targetDelimiter: "/", notes: [])
        let text = DiscoveryRenderer.human(report, palette: Palette(enabled: false))
        #expect(text.contains("  FOLDER  ROLE  MESSAGES   SIZE  OVER LIMIT\n  INBOX                3  300 B           1\n  total                3  300 B           1\n"))
        #expect(text.contains("Risks (1):\n  ! a@acme.test, folder INBOX: 1 message is larger"))
        let lines = DiscoveryRenderer.jsonLines(report).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("\"type\":\"discover-mailbox\""))
        #expect(lines[0].contains("\"version\":1"))
        #expect(lines[1].contains("\"type\":\"discover-summary\""))
    }
}
