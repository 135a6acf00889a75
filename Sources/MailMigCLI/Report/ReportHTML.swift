import Foundation
import MailMigCore

/// The closeout report as one self-contained HTML page: inline CSS and SVG, no script, no outside reference.
///
/// The page is also well-formed XML (every element closed, only numeric character references), so it
/// can be checked by any XML parser.
public enum ReportHTML {
    /// The whole page.
    public static func render(_ report: CloseoutReport) -> String {
        let status = report.status
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        out += "<title>\(e("Migration report: \(status.planName)"))</title>\n<style>\n\(ReportStyle.css)\n</style>\n</head>\n<body>\n<main>\n"
        out += "<header class=\"top\"><div class=\"kicker\">mailmig closeout report</div><h1>\(e(status.planName))</h1>"
        out += "<div class=\"meta\">Made \(e(ReportFormatting.time(status.generatedAt))) from state serial \(status.serial) "
        out += "· lineage <code>\(e(status.lineage))</code></div></header>\n"
        out += summary(report)
        out += "<section><h2>Mailboxes</h2>\n" + ReportCharts.mailboxBars(status.mailboxes) + "\n" + mailboxTable(status.mailboxes) + "</section>\n"
        out += "<section><h2>Timeline of passes</h2>\n" + ReportCharts.timeline(report.applies) + "\n</section>\n"
        out += skipped(report.skipped)
        out += failures(report.failures)
        out += dns(report)
        out += verification(status)
        out += backup(status)
        out += collections(status)
        out += "<footer>Figures come from the state: copied messages and bytes from the ledger, skips from the skipped table, "
        out += "DNS as recorded (not queried). Throughput is measured over the time applies ran.</footer>\n"
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    static func e(_ text: String) -> String { HTMLText.escape(text) }

    static func summary(_ report: CloseoutReport) -> String {
        let summary = report.summary
        func card(_ name: String, _ value: String, _ tone: String = "", _ detail: String? = nil) -> String {
            var html = "<div class=\"card \(tone)\"><div class=\"name\">\(e(name))</div><div class=\"value\">\(e(value))</div>"
            if let detail { html += "<div class=\"muted\">\(e(detail))</div>" }
            return html + "</div>"
        }
        var out = "<section class=\"cards\">"
        out += card("Mailboxes", ReportFormatting.count(summary.mailboxes), "",
                    "\(summary.count(.inProgress)) in progress, \(summary.count(.notStarted)) not started")
        out += card("Migrated fully", ReportFormatting.count(summary.count(.migrated)), "ok")
        out += card("Migrated with skips", ReportFormatting.count(summary.count(.migratedWithSkips)), summary.count(.migratedWithSkips) > 0 ? "warn" : "")
        out += card("Failed", ReportFormatting.count(summary.count(.failed)), summary.count(.failed) > 0 ? "bad" : "")
        out += card("Messages copied", ReportFormatting.count(summary.messages), "",
                    "\(ReportFormatting.count(summary.skippedMessages)) skipped (\(ReportFormatting.bytes(summary.skippedBytes)))")
        out += card("Data copied", ReportFormatting.bytes(summary.bytes))
        out += card("Time applies ran", ReportFormatting.duration(summary.activeSeconds), "",
                    summary.firstStart.map { "from \(ReportFormatting.time($0))" })
        if let throttling = ReportFormatting.throttling(summary) { out += card("Throttled", throttling, "warn") }
        out += card("Throughput", summary.bytesPerSecond.map(ReportFormatting.rate) ?? "n/a", "",
                    summary.messagesPerSecond.map { String(format: "%.1f messages/s", $0) })
        return out + "</section>\n"
    }

    static func badge(_ outcome: MailboxOutcome) -> String {
        "<span class=\"badge \(outcome.rawValue)\">\(e(ReportFormatting.label(outcome)))</span>"
    }

    static func verdictBadge(_ verdict: MailboxVerdict?) -> String {
        let word = ReportFormatting.verdictWord(verdict)
        return "<span class=\"badge \(word.replacingOccurrences(of: " ", with: "-"))\" title=\"\(e(ReportFormatting.verdict(verdict)))\">\(e(word))</span>"
    }

    static func mailboxTable(_ mailboxes: [MailboxStatus]) -> String {
        var out = "<table><thead><tr><th>Batch</th><th>Source → target</th><th>Stage</th><th>Outcome</th><th class=\"num\">Copied</th>"
        out += "<th class=\"num\">Bytes</th><th class=\"num\">Skipped</th><th>Last pass</th><th class=\"num\">Duration</th><th>Verification</th></tr></thead><tbody>\n"
        for mailbox in mailboxes {
            out += "<tr><td>\(e(mailbox.batch))</td><td class=\"wrap\">\(e(mailbox.source))<br/><span class=\"muted\">→ \(e(mailbox.target))</span></td>"
            out += "<td>\(e(ReportFormatting.stage(mailbox.stage)))</td><td>\(badge(mailbox.outcome))</td>"
            out += "<td class=\"num\">\(e(ReportFormatting.count(mailbox.copied)))</td><td class=\"num\">\(e(ReportFormatting.bytes(mailbox.copiedBytes)))</td>"
            out += "<td class=\"num\">\(e(ReportFormatting.count(mailbox.skipped)))</td><td>\(e(ReportFormatting.time(mailbox.lastPass, none: "never")))</td>"
            out += "<td class=\"num\">\(e(mailbox.lastDuration.map(ReportFormatting.duration) ?? ""))</td><td>\(verdictBadge(mailbox.verification))</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }

    static func skipped(_ messages: [SkippedMessage]) -> String {
        var out = "<section><h2>Skipped messages</h2>\n"
        guard !messages.isEmpty else { return out + "<p class=\"muted\">None: every message was copied.</p></section>\n" }
        out += "<table><thead><tr><th>Mailbox</th><th>Folder</th><th class=\"num\">UID</th><th class=\"num\">Size</th><th>Internal date</th><th>Message-ID</th><th>Reason</th></tr></thead><tbody>\n"
        for message in messages {
            out += "<tr><td>\(e(message.mailbox))</td><td>\(e(message.folder))</td><td class=\"num\">\(e(message.uid.value))</td>"
            out += "<td class=\"num\">\(e(ReportFormatting.bytes(Int64(message.size))))</td><td class=\"time\">\(e(message.internalDate ?? ""))</td><td class=\"wrap\">\(e(message.messageID ?? ""))</td><td>\(e(message.reason))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    static func failures(_ failures: [FailureItem]) -> String {
        var out = "<section><h2>Failures</h2>\n"
        guard !failures.isEmpty else { return out + "<p class=\"muted\">None.</p></section>\n" }
        out += "<table><thead><tr><th>Mailbox</th><th>When</th><th>What the server or the verification said</th></tr></thead><tbody>\n"
        for failure in failures {
            out += "<tr><td>\(e(failure.mailbox))</td><td class=\"time\">\(e(ReportFormatting.time(failure.at, none: "")))</td><td class=\"wrap\">\(e(failure.reason))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    static func dns(_ report: CloseoutReport) -> String {
        var out = "<section><h2>DNS</h2>\n"
        if report.status.domains.isEmpty { out += "<p class=\"muted\">The plan manages no domain.</p>\n" }
        if !report.status.domains.isEmpty {
            out += "<table><thead><tr><th>Domain</th><th>Route</th><th>Cutover</th><th>Records (as recorded)</th></tr></thead><tbody>\n"
            for domain in report.status.domains {
                var cutover: String
                if domain.cutOver {
                    cutover = "cut over" + (domain.cutoverAt.map { " at \(ReportFormatting.time($0))" } ?? "")
                } else {
                    cutover = "not cut over; earliest \(ReportFormatting.time(domain.earliestCutover, none: "unknown"))"
                }
                var cell = e(cutover)
                if !domain.waitingFor.isEmpty {
                    cell += "<ul class=\"plain muted\">" + domain.waitingFor.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
                }
                let records = domain.records.map { "\(e($0.key.description)): \(e($0.phase.rawValue)), \(e($0.ttlState))" }.joined(separator: "<br/>")
                out += "<tr><td>\(e(domain.name))</td><td>\(e(domain.route.rawValue))</td><td class=\"wrap\">\(cell)</td><td class=\"wrap\">\(records.isEmpty ? "none yet" : records)</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        out += "<h3>Changes</h3>\n"
        guard !report.dnsChanges.isEmpty else { return out + "<p class=\"muted\">No DNS change recorded.</p></section>\n" }
        out += "<table><thead><tr><th>Time</th><th class=\"num\">Serial</th><th>Record</th><th>Change</th><th>Before</th><th>After</th></tr></thead><tbody>\n"
        for change in report.dnsChanges {
            out += "<tr><td class=\"time\">\(e(ReportFormatting.time(change.at)))</td><td class=\"num\">\(change.serial)</td><td class=\"wrap\">\(e(change.address))</td>"
            out += "<td>\(e(change.change))</td><td class=\"wrap\">\(e(change.before))</td><td class=\"wrap\">\(e(change.after))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    static func verification(_ status: StatusReport) -> String {
        var out = "<section><h2>Verification</h2>\n"
        guard let record = status.verification else { return out + "<p class=\"muted\">mailmig verify has not run yet.</p></section>\n" }
        out += "<p>Last run \(e(ReportFormatting.time(record.at))): "
        out += record.failedDomains.isEmpty ? "no domain with differences.</p>\n" : "differences in \(e(record.failedDomains.joined(separator: ", "))).</p>\n"
        out += "<table><thead><tr><th>Mailbox</th><th>Result</th><th>Detail</th></tr></thead><tbody>\n"
        for mailbox in status.mailboxes {
            out += "<tr><td>\(e(mailbox.source))</td><td>\(verdictBadge(mailbox.verification))</td><td>\(e(ReportFormatting.verdict(mailbox.verification)))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    /// The backup of each mailbox, when the plan keeps one.
    static func backup(_ status: StatusReport) -> String {
        let kept = status.mailboxes.filter { $0.backup != nil }
        guard !kept.isEmpty else { return "" }
        var out = "<section><h2>Backup</h2>\n<table><thead><tr><th>Mailbox</th><th class=\"num\">Messages</th><th class=\"num\">Bytes</th>"
        out += "<th class=\"num\">Left out</th><th>verify --backup</th></tr></thead><tbody>\n"
        for mailbox in kept {
            guard let backup = mailbox.backup else { continue }
            out += "<tr><td>\(e(mailbox.source))</td><td class=\"num\">\(e(ReportFormatting.count(backup.copied)))</td>"
            out += "<td class=\"num\">\(e(ReportFormatting.bytes(backup.bytes)))</td><td class=\"num\">\(backup.skipped)</td>"
            out += "<td>\(verdictBadge(backup.verification)) \(e(ReportFormatting.verdict(backup.verification)))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    /// Contacts, calendars and tasks of each mailbox, when the plan copies them.
    static func collections(_ status: StatusReport) -> String {
        let rows = status.mailboxes.flatMap { mailbox in mailbox.collections.map { (mailbox.source, $0) } }
        guard !rows.isEmpty else { return "" }
        var out = "<section><h2>Contacts and calendars</h2>\n<table><thead><tr><th>Mailbox</th><th>Kind</th><th class=\"num\">Collections</th>"
        out += "<th class=\"num\">Copied</th><th class=\"num\">Not copied</th><th>Last pass</th></tr></thead><tbody>\n"
        for (source, kind) in rows {
            out += "<tr><td>\(e(source))</td><td>\(e(kind.kind.rawValue))</td><td class=\"num\">\(kind.collections.map(String.init) ?? "")</td>"
            out += "<td class=\"num\">\(e(ReportFormatting.count(kind.copied)))</td><td class=\"num\">\(kind.conflicts.count)</td>"
            out += "<td>\(e(ReportFormatting.time(kind.lastPass, none: "none yet")))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        let notCopied = rows.flatMap { source, kind in kind.conflicts.map { "\(source) \(kind.kind.rawValue): \($0)" } }
        if !notCopied.isEmpty {
            out += "<p>Not copied (reported, never overwritten):</p>\n<ul>\n" + notCopied.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
        }
        return out + "</section>\n"
    }
}
