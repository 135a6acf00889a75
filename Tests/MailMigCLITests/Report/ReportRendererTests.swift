import Foundation
import Testing
@testable import MailMigCore
@testable import MailMigCLI
import TestSupport

@Suite("Report: each format parsed back or checked for structure")
struct ReportRendererTests {
    @Test("JSON parses back with the ledger's figures, type and version")
    func json() throws {
        let fixture = try ReportFixture()
        let text = ReportJSON.render(try fixture.builder.closeout())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "report" && object["version"] as? Int == 1)
        #expect(object["plan"] as? String == "report-fixture <&>")
        #expect(object["serial"] as? Int == (try fixture.store.meta().serial))
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["messages"] as? Int == 5 && summary["bytes"] as? Int == 56_545)
        let mailboxes = try #require(object["mailboxes"] as? [[String: Any]])
        let totals = try fixture.store.ledgerTotals()
        #expect(mailboxes.count == 4)
        for mailbox in mailboxes {
            let source = try #require(mailbox["source"] as? String)
            #expect(mailbox["copied_messages"] as? Int == totals[source]?.messages ?? 0)
            #expect((mailbox["copied_bytes"] as? Int).map(Int64.init) == totals[source]?.bytes ?? 0)
        }
        let skipped = try #require(object["skipped"] as? [[String: Any]])
        #expect(skipped.contains { $0["reason"] as? String == ReportFixture.hostile })
        #expect((object["dns_changes"] as? [Any])?.count == 5)
        #expect((object["applies"] as? [Any])?.count == 2)
    }

    @Test("CSV is strict RFC 4180, one row per mailbox, hostile text round-trips")
    func csv() throws {
        let fixture = try ReportFixture()
        let rows = try StrictCSV.parse(ReportCSV.render(try fixture.builder.closeout()))
        #expect(rows.first == ReportCSV.columns)
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.count == ReportCSV.columns.count })
        let column = Dictionary(uniqueKeysWithValues: ReportCSV.columns.enumerated().map { ($1, $0) })
        let totals = try fixture.store.ledgerTotals()
        for row in rows.dropFirst() {
            let source = row[column["source"] ?? 0]
            #expect(row[column["copied_messages"] ?? 0] == "\(totals[source]?.messages ?? 0)")
            #expect(row[column["copied_bytes"] ?? 0] == "\(totals[source]?.bytes ?? 0)")
            #expect(row[column["plan"] ?? 0] == "report-fixture <&>")
        }
        let carol = try #require(rows.first { $0[column["source"] ?? 0] == "carol@acme.test" })
        #expect(carol[column["error"] ?? 0].hasSuffix(ReportFixture.hostile))
        let bob = try #require(rows.first { $0[column["source"] ?? 0] == "bob@acme.test" })
        #expect(bob[column["skip_reasons"] ?? 0].contains(ReportFixture.hostile))
    }

    @Test("HTML is well-formed, self-contained and escapes every text")
    func html() throws {
        let html = ReportHTML.render(try ReportFixture().builder.closeout())
        for forbidden in ["<script", "http://", "https://", "src=", "href=", "@import", "url("] {
            #expect(!html.lowercased().contains(forbidden), "the page contains \(forbidden)")
        }
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(html.contains("report-fixture &lt;&amp;&gt;"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 2, "a bar chart and a timeline")
        #expect(html.contains("<style>") && html.hasPrefix("<!DOCTYPE html>"))
        try HTMLCheck.wellFormed(html)
    }

    @Test("HTML bars: one per mailbox, widths proportional to the ledger")
    func bars() throws {
        let report = try ReportFixture().builder.closeout()
        let svg = ReportCharts.mailboxBars(report.status.mailboxes)
        #expect(svg.components(separatedBy: "class=\"track\"").count - 1 == 4)
        // bob has the most known messages (2 copied + 2 skipped): his two bars fill the 560-pixel track;
        // alice's 3 copied take three quarters of it.
        #expect(svg.contains("x=\"250\" y=\"37\" width=\"280\" height=\"16\" fill=\"\(ReportCharts.copiedColour)\""))
        #expect(svg.contains("x=\"530\" y=\"37\" width=\"280\" height=\"16\" fill=\"\(ReportCharts.skippedColour)\""))
        #expect(svg.contains("x=\"250\" y=\"11\" width=\"420\" height=\"16\" fill=\"\(ReportCharts.copiedColour)\""))
    }

    @Test("Markdown has every section and escapes table cells")
    func markdown() throws {
        let text = ReportMarkdown.render(try ReportFixture().builder.closeout())
        for heading in ["# Migration report", "## Summary", "## Mailboxes", "## Skipped messages", "## Failures", "## DNS changes",
                        "## Domains", "## Verification", "## Applies"] {
            #expect(text.split(separator: "\n").contains { $0.hasPrefix(heading) }, "missing \(heading)")
        }
        #expect(!text.contains("<script>"))
        #expect(ReportMarkdown.cell("a|b\r\nc<d>") == "a\\|b c&lt;d&gt;")
        // Every table row has as many cells as its header.
        var expected: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { expected = nil; continue }
            let cells = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            if let expected { #expect(cells == expected, "row: \(line)") } else { expected = cells }
        }
    }

    @Test("status: human text and JSON lines; mailboxes no batch selects under their own heading")
    func status() throws {
        let fixture = try ReportFixture()
        let status = try fixture.builder.status()
        let human = StatusRenderer.human(status)
        #expect(human.contains("Batch pilot (goal: sync, every mailbox has reached sync)"))
        #expect(human.contains("copied 3 messages, 42.5 KiB of 3 messages, 42.5 KiB known; the source held 3 messages when its folders were last read"))
        #expect(human.contains("1 × larger than filters.max_message_size (35MB)"))
        #expect(human.contains("failed: the target server imap.newmail.test refused APPEND"))
        #expect(human.contains("earliest cutover: 2026-03-01T12:00:00Z (as recorded)"))
        #expect(!human.contains("\u{1B}["))
        #expect(human.contains("1 × <script>alert(\"x\")</script> & 'quotes', commas and a line break;"), "server text stays on one line")
        #expect(ReportFormatting.line("a\u{1B}[31mb\r\nc") == "a [31mb c")
        let lines = StatusRenderer.jsonLines(status).split(separator: "\n")
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.allSatisfy { $0["version"] as? Int == 1 })
        #expect(objects.map { $0["type"] as? String ?? "" } == ["status", "batch", "mailbox", "mailbox", "batch", "mailbox", "mailbox", "domain"])
        let domain = try #require(objects.last)
        #expect(domain["earliest_cutover"] as? String == "2026-03-01T12:00:00Z" && domain["source_of_dns"] as? String == "recorded")
        let unbatched = try ReportBuilder(plan: fixture.planWithoutEveryone(), store: fixture.store, now: fixture.now).status()
        #expect(StatusRenderer.human(unbatched).contains("Batch (no batch): mailboxes of the plan that no batch selects; they are not migrated"))
    }

    @Test("CSV quoting follows RFC 4180")
    func csvField() {
        #expect(ReportCSV.field("plain") == "plain")
        #expect(ReportCSV.field("a,b") == "\"a,b\"")
        #expect(ReportCSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportCSV.field("two\r\nlines") == "\"two\r\nlines\"")
        #expect(ReportCSV.field(" padded") == "\" padded\"")
    }
}
