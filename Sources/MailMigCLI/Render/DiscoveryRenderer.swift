import Foundation
import MailMigCore

/// Prints what discover found: a table per mailbox and a risk summary, or JSON lines; writes the mailbox CSV.
public enum DiscoveryRenderer {
    /// The human form.
    public static func human(_ report: DiscoveryReport, palette: Palette) -> String {
        var out = ""
        for mailbox in report.mailboxes {
            let origin = mailbox.inPlan ? "in the plan" : "found by source.enumerate"
            out += palette.bold(mailbox.source) + " (\(origin))\n"
            if let error = mailbox.error {
                out += "  \(palette.red("✗")) login failed: \(error)\n\n"
                continue
            }
            let rows = mailbox.folders.map { folder -> [String] in
                let over = folder.oversize.isEmpty ? "" : "\(folder.oversize.count)"
                var name = folder.path + (folder.selectable ? "" : " (no messages)")
                switch folder.namespace {
                case .shared?: name += " (shared namespace: copied only with folders.shared: include)"
                case .otherUsers?: name += " (another user's: not copied)"
                case nil: break
                }
                if folder.specialUse?.lowercased() == "\\all" { name += " (All Mail: only its messages in no other folder are copied)" }
                return [name, folder.specialUse ?? "",
                        Formatting.count(folder.messages), Formatting.bytes(folder.bytes), over]
            }
            let total = ["total", "", Formatting.count(mailbox.messages), Formatting.bytes(mailbox.bytes),
                         "\(mailbox.folders.reduce(0) { $0 + $1.oversize.count })"]
            out += table(header: ["FOLDER", "ROLE", "MESSAGES", "SIZE", "OVER LIMIT"], rows: rows, footer: total)
            out += "\n"
        }
        for note in report.notes { out += palette.yellow("Note: ") + note + "\n" }
        let risks = report.risks
        if risks.isEmpty {
            out += palette.green("No risks found in \(report.mailboxes.count) mailbox\(report.mailboxes.count == 1 ? "" : "es").") + "\n"
        } else {
            out += palette.bold("Risks (\(risks.count)):") + "\n"
            for risk in risks {
                let symbol = risk.kind == .loginFailed ? palette.red("✗") : palette.yellow("!")
                let place = risk.folder.map { "\(risk.mailbox), folder \($0)" } ?? risk.mailbox
                out += "  \(symbol) \(place): \(risk.message)\n"
            }
        }
        return out
    }

    /// Left-aligned text columns, right-aligned numbers.
    static func table(header: [String], rows: [[String]], footer: [String]) -> String {
        let all = [header] + rows + [footer]
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func render(_ row: [String]) -> String {
            let cells = row.indices.map { column -> String in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return column < 2 ? row[column] + padding : padding + row[column]
            }
            return "  " + cells.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return render(header) + rows.map(render).joined() + render(footer)
    }

    /// One JSON object per line: a `discover-mailbox` line per mailbox, then a `discover-summary` line.
    public static func jsonLines(_ report: DiscoveryReport) -> String {
        var out = ""
        for mailbox in report.mailboxes {
            out += JSONOutput.line(type: "discover-mailbox", DiscoverMailboxLine(mailbox)) + "\n"
        }
        out += JSONOutput.line(type: "discover-summary", DiscoverSummaryLine(mailboxes: report.mailboxes.count, risks: report.risks.count,
                                                                          targetDelimiter: report.targetDelimiter, notes: report.notes)) + "\n"
        return out
    }

    /// `source,target,tags` rows for the mailboxes only `source.enumerate` found (tag `discovered`).
    public static func csv(_ report: DiscoveryReport) -> String {
        var out = "source,target,tags\n"
        for mailbox in report.mailboxes where !mailbox.inPlan {
            out += "\(field(mailbox.source)),\(field(mailbox.target)),discovered\n"
        }
        return out
    }

    /// RFC 4180 quoting where needed.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A mailbox as a JSON line, with its totals.
struct DiscoverMailboxLine: Encodable {
    var source: String
    var target: String
    var inPlan: Bool
    var error: String?
    var messages: Int
    var bytes: Int64
    var folders: [DiscoveredFolder]
    var risks: [DiscoveryRisk]

    init(_ mailbox: DiscoveredMailbox) {
        source = mailbox.source
        target = mailbox.target
        inPlan = mailbox.inPlan
        error = mailbox.error
        messages = mailbox.messages
        bytes = mailbox.bytes
        folders = mailbox.folders
        risks = mailbox.risks
    }
}

/// The last JSON line of a discovery.
struct DiscoverSummaryLine: Encodable {
    var mailboxes: Int
    var risks: Int
    var targetDelimiter: String?
    var notes: [String]
}
