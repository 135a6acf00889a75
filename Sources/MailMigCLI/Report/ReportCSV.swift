import Foundation
import MailMigCore

/// The closeout report as CSV: a header and one row per mailbox, quoted as RFC 4180 asks (CRLF line ends).
public enum ReportCSV {
    /// The column names, in order.
    public static let columns = [
        "plan", "serial", "batch", "source", "target", "stage", "outcome", "copied_messages", "copied_bytes", "skipped_messages",
        "skipped_bytes", "source_messages_at_last_pass", "skip_reasons", "error", "last_pass", "last_duration_seconds",
        "verification", "verified_at", "verification_differences",
    ]

    /// The whole table.
    public static func render(_ report: CloseoutReport) -> String {
        var rows = [columns]
        for mailbox in report.status.mailboxes {
            rows.append([
                report.status.planName, "\(report.status.serial)", mailbox.batch, mailbox.source, mailbox.target, mailbox.stage?.rawValue ?? "",
                mailbox.outcome.rawValue, "\(mailbox.copied)", "\(mailbox.copiedBytes)", "\(mailbox.skipped)", "\(mailbox.skippedBytes)",
                mailbox.sourceMessages.map { "\($0)" } ?? "",
                mailbox.skipReasons.map { "\($0.count) × \($0.reason)" }.joined(separator: "; "),
                mailbox.error ?? "", mailbox.lastPass.map(ReportFormatting.time) ?? "",
                mailbox.lastDuration.map { String(format: "%.3f", $0) } ?? "",
                ReportFormatting.verdictWord(mailbox.verification), mailbox.verification.map { ReportFormatting.time($0.at) } ?? "",
                mailbox.verification.map { "\($0.differences)" } ?? "",
            ])
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// A field, quoted when it holds a comma, a quote, a line break or leading/trailing space; quotes doubled.
    public static func field(_ value: String) -> String {
        // By scalars: "\r\n" is one Character, equal to neither "\r" nor "\n".
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || value.first?.isWhitespace == true || value.last?.isWhitespace == true
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
