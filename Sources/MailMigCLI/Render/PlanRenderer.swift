import Foundation
import MailMigCore

/// Turns an execution plan into the text operators read: human, Markdown (for pull requests) or JSON lines.
///
/// Pure functions returning strings, so each format has golden tests; the CLI only prints them.
public enum PlanRenderer {
    /// Terraform-style text: drift first, then one block per change, what is held back, and the summary line.
    public static func human(_ plan: ExecutionPlan, palette: Palette = Palette(enabled: false)) -> String {
        var out = ""
        if !plan.drift.isEmpty {
            out += palette.bold("Changed outside mailmig since the last apply:") + "\n"
            for item in plan.drift {
                out += "  \(palette.yellow("~")) \(item.address)\n"
                out += "      recorded: \(item.recorded)\n      now:      \(item.live)\n      \(item.resolution)\n"
            }
            out += "\n"
        }
        if plan.steps.isEmpty, plan.blocked.contains(where: { $0.isError == true }) {
            out += palette.red("Nothing to apply:") + " what the plan asks for is held back by the errors below.\n"
        } else if plan.steps.isEmpty {
            out += palette.green("No changes.") + " The live systems match the plan.\n"
        } else {
            let used = ChangeAction.allCases.filter { action in plan.steps.contains { $0.action == action } }
            out += "Symbols: " + used.map { "\(palette.symbol($0)) \($0.legend)" }.joined(separator: ", ") + "\n\n"
            for step in plan.steps {
                out += "  \(palette.symbol(step.action)) \(palette.bold(step.address))\n"
                out += "      \(palette.dim(step.reason))\n"
                for line in detail(step) { out += "      \(line)\n" }
            }
            out += "\n"
        }
        if !plan.blocked.isEmpty {
            out += palette.bold("Held back:") + "\n"
            for item in plan.blocked {
                out += "  \(palette.red("!")) \(item.address): \(item.reason)"
                if let earliest = item.earliest { out += " (earliest: \(Formatting.timestamp(earliest)))" }
                out += "\n"
            }
            out += "\n"
        }
        for warning in plan.warnings { out += palette.yellow("Warning:") + " \(warning)\n" }
        if !plan.steps.isEmpty { out += summary(plan) + "\n" }
        return out
    }

    /// A Markdown comment for a pull request.
    public static func markdown(_ plan: ExecutionPlan, planName: String) -> String {
        var out = "### mailmig plan: \(planName)\n\n"
        if !plan.drift.isEmpty {
            out += "**Changed outside mailmig**\n\n| resource | recorded | now | resolution |\n|---|---|---|---|\n"
            for item in plan.drift {
                out += "| `\(item.address)` | \(cell(item.recorded)) | \(cell(item.live)) | \(cell(item.resolution)) |\n"
            }
            out += "\n"
        }
        if plan.steps.isEmpty {
            out += "No changes.\n"
        } else {
            out += "| | resource | change | before | after |\n|---|---|---|---|---|\n"
            for step in plan.steps {
                let (before, after) = beforeAfter(step)
                out += "| `\(step.action.symbol)` | `\(step.address)` | \(cell(step.reason)) | \(cell(before)) | \(cell(after)) |\n"
            }
            out += "\n**\(summary(plan))**\n"
        }
        if !plan.blocked.isEmpty {
            out += "\n**Held back**\n\n"
            for item in plan.blocked {
                out += "- `\(item.address)`: \(item.reason)" + (item.earliest.map { " (earliest: \(Formatting.timestamp($0)))" } ?? "") + "\n"
            }
        }
        if !plan.warnings.isEmpty {
            out += "\n" + plan.warnings.map { "> **Warning:** \($0)\n" }.joined()
        }
        return out
    }

    /// One JSON object per line, each with `type` and `version`: `drift`, `change`, `blocked`, `warning`, `summary`.
    public static func jsonLines(_ plan: ExecutionPlan) -> String {
        var lines: [String] = []
        for item in plan.drift {
            lines.append(JSONLine.encode(["type": "drift", "address": item.address, "recorded": item.recorded, "live": item.live, "resolution": item.resolution]))
        }
        for step in plan.steps {
            var object: [String: any Sendable] = ["type": "change", "id": step.id, "address": step.address, "action": step.action.rawValue, "reason": step.reason]
            object.merge(step.work.jsonFields) { current, _ in current }
            lines.append(JSONLine.encode(object))
        }
        for item in plan.blocked {
            lines.append(JSONLine.encode(["type": "blocked", "address": item.address, "reason": item.reason,
                                          "earliest": item.earliest.map(Formatting.timestamp) ?? NSNull()]))
        }
        for warning in plan.warnings { lines.append(JSONLine.encode(["type": "warning", "message": warning])) }
        lines.append(JSONLine.encode(["type": "summary", "add": plan.count(.create), "change": plan.count(.update),
                                      "destroy": plan.count(.delete), "changes": plan.hasChanges]))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Plan: 2 to add, 1 to change, 0 to destroy; 41 mailboxes to sync (12,304 messages, 3.1 GiB); 3 contact and
    /// calendar passes (1,020 items).` With passes of several stages: `43 mailbox passes (2 presync, 41 sync)`.
    public static func summary(_ plan: ExecutionPlan) -> String {
        var line = "Plan: \(plan.count(.create)) to add, \(plan.count(.update)) to change, \(plan.count(.delete)) to destroy"
        let passes = plan.steps.compactMap(\.work.mailPass)
        if !passes.isEmpty {
            // Named by stage, so that a presync plan does not read as if it synced everything.
            let stages = Dictionary(grouping: passes, by: \.settings.stage)
            if stages.count == 1, let stage = stages.keys.first {
                line += "; \(Formatting.count(passes.count)) mailbox\(passes.count == 1 ? "" : "es") \(stage == .final ? "for the final pass" : "to \(stage.rawValue)")"
            } else {
                let each = stages.keys.sorted().map { "\(Formatting.count(stages[$0]?.count ?? 0)) \($0.rawValue)" }
                line += "; \(Formatting.count(passes.count)) mailbox passes (\(each.joined(separator: ", ")))"
            }
            let estimates = passes.compactMap(\.estimate)
            if estimates.count == passes.count {
                let messages = estimates.reduce(0) { $0 + $1.messages }
                let bytes = estimates.reduce(Int64(0)) { $0 + $1.bytes }
                line += " (\(Formatting.count(messages)) message\(messages == 1 ? "" : "s"), \(Formatting.bytes(bytes)))"
            }
        }
        let collections = plan.steps.compactMap(\.work.collectionPass)
        if !collections.isEmpty {
            let estimates = collections.compactMap(\.estimate)
            line += "; \(Formatting.count(collections.count)) contact and calendar pass\(collections.count == 1 ? "" : "es")"
            if estimates.count == collections.count {
                let items = estimates.reduce(0) { $0 + $1.toCopy + $1.toUpdate }
                line += " (\(Formatting.count(items)) item\(items == 1 ? "" : "s"))"
            }
        }
        return line + "."
    }

    static func detail(_ step: PlannedStep) -> [String] { step.work.detail }

    static func beforeAfter(_ step: PlannedStep) -> (String, String) { step.work.beforeAfter }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

}

/// Encodes one JSON object per line with sorted keys and the output format version.
public enum JSONLine {
    /// The version of every JSON line mailmig prints.
    public static let version = 1

    /// One line of JSON; `version` is added.
    public static func encode(_ object: [String: any Sendable]) -> String {
        var object = object
        object["version"] = version
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{\"type\":\"error\",\"version\":\(version)}" }
        return String(decoding: data, as: UTF8.self)
    }
}
