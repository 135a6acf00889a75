import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import MailMigCore
@testable import MailMigPlanFile
@testable import MailMigCLI
import Testing

/// `mailmig status` and `mailmig report` on a state made by a real migration between the test Dovecot servers.
@Suite("Report: status and report after a real migration", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct ReportIntegrationTests {
    @Test("status and every report format show the ledger's figures, skips with reasons and the verification")
    func afterMigration() throws {
        let skipping = MailTestServers.uniqueUser("report")
        let plain = MailTestServers.uniqueUser("report")
        defer { MailTestServers.removeUsers([skipping, plain]) }
        for user in [skipping, plain] {
            try MailTestServers.addUser(user, on: .source)
            try MailTestServers.addUser(user, on: .target)
        }
        let large = try MailTestServers.generate(["--mailboxes", "1", "--messages", "25", "--seed", "29", "--attachments", "0.3",
                                                  "--attachment-max", "900000"])
        let small = try MailTestServers.generate(["--mailboxes", "1", "--messages", "15", "--seed", "31", "--attachments", "0"])
        defer {
            try? FileManager.default.removeItem(at: large.deletingLastPathComponent())
            try? FileManager.default.removeItem(at: small.deletingLastPathComponent())
        }
        try MailTestServers.load(large.appendingPathComponent("mbox01"), into: skipping)
        try MailTestServers.load(small.appendingPathComponent("mbox01"), into: plain)

        let workspace = try MailPlanWorkspace(
            mailboxes: [.init(source: skipping, target: skipping), .init(source: plain, target: plain)],
            extra: "filters:\n  max_message_size: 200KB\nbatches:\n  - { name: wave-1, select: rest, stage: sync }\n")
        defer { workspace.remove() }

        // Before anything is applied there is no state, and status does not create one.
        let none = try workspace.mailmig(["status"])
        #expect(none.status == 1 && none.stderr.contains("there is no state"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: workspace.folder.appendingPathComponent(".mailmig/state.sqlite").path))

        _ = try workspace.apply()
        let verify = try workspace.mailmig(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\n\(verify.stderr)")

        let store = try workspace.state()
        let totals = try store.ledgerTotals()
        let serial = try store.meta().serial
        let skippingAddress = "\(skipping)@acme.test"
        let plainAddress = "\(plain)@acme.test"
        let skipped = try store.skipped()
        #expect(!skipped.isEmpty && skipped.allSatisfy { $0.mailbox == skippingAddress }, "the corpus has messages over 200 KB in one mailbox only")
        #expect((totals[skippingAddress]?.messages ?? 0) > 0 && (totals[plainAddress]?.messages ?? 0) > 0)

        // Human status.
        let status = try workspace.mailmig(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("Status of mail-integration-tests (state serial \(serial)"))
        #expect(status.stdout.contains("Batch wave-1 (goal: sync, every mailbox has reached sync)"))
        for (address, total) in totals {
            #expect(status.stdout.contains("\(address) → "))
            #expect(status.stdout.contains("copied \(Formatting.count(total.messages)) messages, \(Formatting.bytes(total.bytes))"))
        }
        #expect(status.stdout.contains("\(skipped.count) × larger than filters.max_message_size (200KB)"), "\(status.stdout)")
        #expect(status.stdout.contains("verification: passed"))

        // status --json.
        let statusJSON = try workspace.mailmig(["status", "--json"])
        let lines = try statusJSON.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let mailboxLines = lines.filter { $0["type"] as? String == "mailbox" }
        #expect(mailboxLines.count == 2)
        for line in mailboxLines {
            let source = try #require(line["source"] as? String)
            #expect(line["copied_messages"] as? Int == totals[source]?.messages)
            #expect((line["copied_bytes"] as? Int).map(Int64.init) == totals[source]?.bytes)
            #expect(line["skipped_messages"] as? Int == skipped.filter { $0.mailbox == source }.count)
            #expect(line["stage"] as? String == "sync")
        }

        // report --format json.
        let json = try report(workspace, "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "report" && object["serial"] as? Int == serial && object["plan"] as? String == "mail-integration-tests")
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["messages"] as? Int == totals.values.reduce(0) { $0 + $1.messages })
        #expect((summary["bytes"] as? Int).map(Int64.init) == totals.values.reduce(0) { $0 + $1.bytes })
        #expect(summary["skipped_messages"] as? Int == skipped.count)
        let outcomes = try #require(summary["outcomes"] as? [String: Int])
        #expect(outcomes["migrated"] == 1 && outcomes["migrated-with-skips"] == 1 && outcomes["failed"] == 0)
        #expect((object["skipped"] as? [Any])?.count == skipped.count)
        #expect((object["applies"] as? [[String: Any]])?.first?["status"] as? String == "succeeded")

        // report --format csv, parsed by the plan loader's RFC 4180 reader.
        let csv = try CSVTable.parse(try report(workspace, "csv")).rows.map { $0.map(\.text) }
        #expect(csv.first == ReportCSV.columns && csv.count == 3)
        let column = Dictionary(uniqueKeysWithValues: ReportCSV.columns.enumerated().map { ($1, $0) })
        for row in csv.dropFirst() {
            let source = row[column["source"] ?? 0]
            #expect(row[column["copied_messages"] ?? 0] == "\(totals[source]?.messages ?? -1)")
            #expect(row[column["copied_bytes"] ?? 0] == "\(totals[source]?.bytes ?? -1)")
            #expect(row[column["serial"] ?? 0] == "\(serial)" && row[column["verification"] ?? 0] == "passed")
        }

        // report --format markdown.
        let markdown = try report(workspace, "markdown")
        #expect(markdown.contains("# Migration report: mail-integration-tests"))
        #expect(markdown.contains("from state serial \(serial)"))
        #expect(markdown.contains("larger than filters.max\\_message\\_size (200KB)"))

        // report --format html -o FILE: mode 0600, self-contained, well-formed.
        let output = workspace.folder.appendingPathComponent("report.html")
        let written = try workspace.mailmig(["report", "--format", "html", "-o", output.path])
        #expect(written.status == 0 && written.stdout.isEmpty, "\(written.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: output.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let html = try String(contentsOf: output, encoding: .utf8)
        for forbidden in ["<script", "http://", "https://", "src=", "href="] { #expect(!html.lowercased().contains(forbidden)) }
        #expect(html.contains(skippingAddress) && html.contains(">\(Formatting.count(totals[plainAddress]?.messages ?? -1))<"))
        #if canImport(FoundationXML)
        _ = try XMLDocument(xmlString: html.replacingOccurrences(of: "<!DOCTYPE html>", with: ""), options: [])
        #endif

        // Reading did not change the state.
        #expect(try store.meta().serial == serial)
    }

    /// `mailmig report --format FORMAT` to standard output, which must succeed.
    private func report(_ workspace: MailPlanWorkspace, _ format: String) throws -> String {
        let output = try workspace.mailmig(["report", "--format", format])
        #expect(output.status == 0, "report --format \(format): \(output.stderr)")
        return output.stdout
    }
}
