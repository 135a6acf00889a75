import Foundation
import MailMigCore

/// The closeout report as Markdown, for a ticket or a pull request.
public enum ReportMarkdown {
    /// The whole report.
    public static func render(_ report: CloseoutReport) -> String {
        let status = report.status
        let summary = report.summary
        var out = "# Migration report: \(inline(status.planName))\n\n"
        out += "Made \(ReportFormatting.time(status.generatedAt)) from state serial \(status.serial) (lineage `\(status.lineage)`).\n\n"
        out += "## Summary\n\n| | |\n|---|---|\n"
        out += "| Mailboxes | \(summary.mailboxes) |\n"
        for outcome in MailboxOutcome.allCases { out += "| \(ReportFormatting.label(outcome).capitalizedFirst) | \(summary.count(outcome)) |\n" }
        out += "| Messages copied | \(ReportFormatting.count(summary.messages)) (\(ReportFormatting.bytes(summary.bytes))) |\n"
        out += "| Messages skipped | \(ReportFormatting.count(summary.skippedMessages)) (\(ReportFormatting.bytes(summary.skippedBytes))) |\n"
        out += "| First apply | \(ReportFormatting.time(summary.firstStart, none: "none")) |\n"
        out += "| Last apply ended | \(ReportFormatting.time(summary.lastEnd, none: "none")) |\n"
        out += "| Time applies ran | \(ReportFormatting.duration(summary.activeSeconds)) |\n"
        if let throttling = ReportFormatting.throttling(summary) { out += "| Throttled | \(throttling) |\n" }
        out += "| Throughput | \(summary.bytesPerSecond.map(ReportFormatting.rate) ?? "n/a")"
        out += summary.messagesPerSecond.map { String(format: ", %.1f messages/s", $0) } ?? ""
        out += " |\n\n"

        out += "## Mailboxes\n\n| Batch | Source | Target | Stage | Outcome | Copied | Bytes | Skipped | Last pass | Duration | Verification |\n"
        out += "|---|---|---|---|---|--:|--:|--:|---|--:|---|\n"
        for mailbox in status.mailboxes {
            out += "| \(cell(mailbox.batch)) | \(cell(mailbox.source)) | \(cell(mailbox.target)) | \(ReportFormatting.stage(mailbox.stage)) | "
            out += "\(ReportFormatting.label(mailbox.outcome)) | \(ReportFormatting.count(mailbox.copied)) | \(ReportFormatting.bytes(mailbox.copiedBytes)) | "
            out += "\(ReportFormatting.count(mailbox.skipped)) | \(ReportFormatting.time(mailbox.lastPass, none: "never")) | "
            out += "\(mailbox.lastDuration.map(ReportFormatting.duration) ?? "") | \(ReportFormatting.verdictWord(mailbox.verification)) |\n"
        }
        out += "\n## Skipped messages\n\n"
        if report.skipped.isEmpty {
            out += "None.\n"
        } else {
            out += "| Mailbox | Folder | UID | Size | Internal date | Message-ID | Reason |\n|---|---|--:|--:|---|---|---|\n"
            for message in report.skipped {
                out += "| \(cell(message.mailbox)) | \(cell(message.folder)) | \(cell(message.uid.value)) | \(ReportFormatting.bytes(Int64(message.size))) | \(cell(message.internalDate ?? "")) | "
                out += "\(cell(message.messageID ?? "")) | \(cell(message.reason)) |\n"
            }
        }
        out += "\n## Failures\n\n"
        if report.failures.isEmpty {
            out += "None.\n"
        } else {
            for failure in report.failures {
                out += "- **\(inline(failure.mailbox))**" + (failure.at.map { " (\(ReportFormatting.time($0)))" } ?? "") + ": \(inline(failure.reason))\n"
            }
        }
        out += "\n## DNS changes\n\n"
        if report.dnsChanges.isEmpty {
            out += "None recorded.\n"
        } else {
            out += "| Time | Serial | Record | Change | Before | After |\n|---|--:|---|---|---|---|\n"
            for change in report.dnsChanges {
                out += "| \(ReportFormatting.time(change.at)) | \(change.serial) | \(cell(change.address)) | \(cell(change.change)) | "
                out += "\(cell(change.before)) | \(cell(change.after)) |\n"
            }
        }
        out += "\n## Domains\n\n"
        for domain in status.domains {
            out += "- **\(inline(domain.name))**: route \(domain.route.rawValue); "
            if domain.cutOver {
                out += "cut over" + (domain.cutoverAt.map { " at \(ReportFormatting.time($0))" } ?? "") + "\n"
            } else {
                out += "not cut over; earliest cutover \(ReportFormatting.time(domain.earliestCutover, none: "unknown")) (as recorded)\n"
                for reason in domain.waitingFor { out += "  - waits: \(inline(reason))\n" }
            }
        }
        if status.domains.isEmpty { out += "The plan manages no domain.\n" }
        out += "\n## Verification\n\n"
        if let verification = status.verification {
            out += "Last run \(ReportFormatting.time(verification.at)); "
            out += verification.failedDomains.isEmpty ? "no domain with differences.\n\n" : "differences in \(verification.failedDomains.joined(separator: ", ")).\n\n"
            for mailbox in status.mailboxes {
                out += "- \(inline(mailbox.source)): \(ReportFormatting.verdict(mailbox.verification))\n"
            }
        } else {
            out += "`mailmig verify` has not run yet.\n"
        }
        let kept = status.mailboxes.compactMap { mailbox in mailbox.backup.map { (mailbox.source, $0) } }
        if !kept.isEmpty {
            out += "\n## Backup\n\n| Mailbox | Messages | Bytes | Left out | verify --backup |\n|---|--:|--:|--:|---|\n"
            for (source, backup) in kept {
                out += "| \(cell(source)) | \(ReportFormatting.count(backup.copied)) | \(ReportFormatting.bytes(backup.bytes)) | \(backup.skipped) | "
                out += "\(cell(ReportFormatting.verdict(backup.verification))) |\n"
            }
        }
        let collections = status.mailboxes.flatMap { mailbox in mailbox.collections.map { (mailbox.source, $0) } }
        if !collections.isEmpty {
            out += "\n## Contacts and calendars\n\n| Mailbox | Kind | Collections | Copied | Not copied | Last pass |\n|---|---|--:|--:|--:|---|\n"
            for (source, kind) in collections {
                out += "| \(cell(source)) | \(kind.kind.rawValue) | \(kind.collections.map(String.init) ?? "") | \(ReportFormatting.count(kind.copied)) | "
                out += "\(kind.conflicts.count) | \(ReportFormatting.time(kind.lastPass, none: "none yet")) |\n"
            }
            let notCopied = collections.flatMap { source, kind in kind.conflicts.map { "\(source) \(kind.kind.rawValue): \($0)" } }
            if !notCopied.isEmpty {
                out += "\nNot copied (reported, never overwritten):\n\n" + notCopied.map { "- \(inline($0))\n" }.joined()
            }
        }
        out += "\n## Applies\n\n"
        if report.applies.isEmpty {
            out += "None.\n"
        } else {
            out += "| Started | Ended | Operation | Status | Serials |\n|---|---|---|---|---|\n"
            for apply in report.applies {
                out += "| \(ReportFormatting.time(apply.startedAt)) | \(ReportFormatting.time(apply.finishedAt, none: "")) | \(apply.operation) | "
                out += "\(apply.status) | \(apply.serialBefore) → \(apply.serialAfter.map(String.init) ?? "?") |\n"
            }
        }
        return out
    }

    /// A table cell: pipes escaped, line breaks and Markdown/HTML specials neutralised.
    static func cell(_ text: String) -> String { inline(text).replacingOccurrences(of: "|", with: "\\|") }

    /// Running text: no line breaks, and characters that Markdown or HTML would interpret escaped.
    static func inline(_ text: String) -> String {
        var out = ""
        // Line breaks and control characters first become single spaces.
        for scalar in ReportFormatting.line(text).unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "#": out += "\\\(scalar)"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    /// The string with its first letter upper-cased.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
