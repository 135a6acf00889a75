import Foundation
import MailMigCore
/// Text for the end of an apply (also when it stops half-way).
public enum ApplyRenderer {
    /// Warnings, one line per failed or not-started step under a heading, then the summary line.
    public static func human(_ report: ApplyReport, palette: Palette = Palette(enabled: false)) -> String {
        var out = ""
        if report.interrupted { out += palette.yellow("Interrupted:") + " finished the steps in flight, started nothing new.\n" }
        var notDone = ""
        for entry in report.entries {
            switch entry.outcome {
            case .done(let warnings):
                for warning in warnings { out += "  \(palette.yellow("!")) \(entry.step.address): \(warning)\n" }
            case .failed(let message):
                notDone += "  \(palette.red("✗")) \(entry.step.address): \(message)\n"
            case .notStarted:
                notDone += "  \(palette.dim("○")) \(entry.step.address): not started\n"
            case .waiting:
                break
            }
        }
        // Failures were printed as they happened too; gathered here so that a long apply's end shows them all.
        if !notDone.isEmpty { out += "Steps not done:\n" + notDone }
        out += ChecklistRenderer.human(report.checklist, palette: palette)
        for spent in report.exhaustedBudgets {
            out += "  \(palette.red("✗")) batch \(spent.batch) started nothing more: \(spent.failedMailboxes.joined(separator: ", ")) failed "
                + "(error_budget: \(spent.budget))\n"
        }
        if let failure = report.stateFailure {
            out += "  \(palette.red("✗")) started nothing more: \(failure); once it is back, `mailmig apply` resumes\n"
        }
        let line = report.summaryLine
        out += (report.succeeded ? palette.green(line) : palette.red(line)) + "\n"
        if !report.succeeded { out += "Run `mailmig apply` again to resume: done steps are not repeated.\n" }
        return out
    }

    /// JSON lines: one `step` object per step and a final `apply` object.
    public static func jsonLines(_ report: ApplyReport) -> String {
        var lines: [String] = []
        for entry in report.entries {
            var object: [String: any Sendable] = ["type": "step", "id": entry.step.id, "address": entry.step.address]
            switch entry.outcome {
            case .done(let warnings):
                object["status"] = "done"
                object["warnings"] = warnings
            case .failed(let message):
                object["status"] = "failed"
                object["error"] = message
            case .notStarted:
                object["status"] = "not_started"
            case .waiting(let item):
                object["status"] = "waiting"
                object["instruction"] = item.instruction
                object["records"] = item.recordLines
            }
            lines.append(JSONLine.encode(object))
        }
        lines.append(JSONLine.encode(["type": "apply", "id": report.applyID, "done": report.done.count, "failed": report.failed.count,
                                      "not_started": report.notStarted.count, "waiting": report.waiting.count, "total": report.entries.count,
                                      "interrupted": report.interrupted, "succeeded": report.succeeded,
                                      "skipped_messages": report.skippedMessages,
                                      "state_failure": report.stateFailure.map { $0 as any Sendable } ?? NSNull(),
                                      "exhausted_budgets": report.exhaustedBudgets.map { spent -> [String: any Sendable] in
                                          ["batch": spent.batch, "failed_mailboxes": spent.failedMailboxes, "allowed": spent.allowed,
                                           "budget": spent.budget]
                                      },
                                      "throttling": report.throttling.map { server -> [String: any Sendable] in
                                          ["side": server.side.rawValue, "server": server.server, "throttlings": server.pacing.throttlings,
                                           "throttled_seconds": server.pacing.throttledSeconds, "connections": server.pacing.ceiling,
                                           "lowest_connections": server.pacing.lowestWindow, "connections_now": server.pacing.window]
                                      }]))
        return lines.joined(separator: "\n") + "\n"
    }
}
