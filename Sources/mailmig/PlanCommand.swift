import ArgumentParser
import Foundation
import Logging
import MailMigCLI
import MailMigCore

extension MailMig {
    /// `mailmig plan`: what apply would do.
    struct PlanCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what apply would change: drift first, then every change, and what a safety gate holds back.",
            discussion: """
                    Reads the live systems (the DNS records, the mail servers' folders and their status), compares them with the plan and the recorded state, and prints the changes: + create, ~ update in place, - destroy (restore what was there before). With -out FILE the plan is saved; `mailmig apply FILE` then applies exactly that, or refuses if the state or the plan file changed since.
                    """
        )

        @OptionGroup var planFile: PlanFileOptions
        @OptionGroup var style: OutputStyleOptions
        @OptionGroup var lock: LockOptions
        @OptionGroup var log: LogOptions
        @OptionGroup var filter: FilterOptions

        @Option(name: [.customLong("out", withSingleDash: true), .customLong("out")], help: "Save the plan to this file.", completion: .file())
        var out: String?

        @Flag(help: "Print one JSON object per line (versioned, stable).")
        var json = false

        @Flag(help: "Print Markdown, e.g. for a pull-request comment.")
        var markdown = false

        @Flag(name: .customLong("detailed-exitcode"), help: "Exit 0 when there are no changes, 1 on error, 2 when there are changes.")
        var detailedExitcode = false

        @Flag(inversion: .prefixedNo, help: "Ask the mail servers what changed (--no-refresh plans mail from the recorded state alone, fast for very large plans).")
        var refresh = true

        @Flag(help: "Let a cutover go ahead although a safety gate holds it back (the plan warns).")
        var force = false

        func run() async throws {
            try log.bootstrap()
            let palette = style.resolve()
            let plan = try await failing {
                let workspace = try planFile.loadWorkspace(palette: palette, printWarnings: !json && !markdown)
                let held = try workspace.lock(operation: "plan", timeout: lock.lockTimeout)
                defer { held.release() }
                let store = try workspace.openState()
                let engine = Engine(workspace: workspace, store: store)
                for note in try await engine.recover() { printError(note) }
                let plan = try await engine.plan(force: force, filter: filter.filter, refresh: refresh)
                Logger(label: "mailmig").info("\(PlanRenderer.summary(plan))", metadata: ["held_back": "\(plan.blocked.count)", "drift": "\(plan.drift.count)"])
                if json {
                    print(PlanRenderer.jsonLines(plan), terminator: "")
                } else if markdown {
                    print(PlanRenderer.markdown(plan, planName: workspace.plan.name), terminator: "")
                } else {
                    print(PlanRenderer.human(plan, palette: palette), terminator: "")
                }
                if let out {
                    let saved = try SavedPlan(operation: "apply", meta: store.meta(), planFile: workspace.planPath,
                                              planSHA256: workspace.planSHA256, createdAt: Date(), plan: plan)
                    try writePrivateFile(saved.encoded(), to: out)
                    if !json { print("Saved the plan to \(out); apply exactly this with `mailmig apply \(out)`.") }
                }
                return plan
            }
            if plan.blocked.contains(where: { $0.isError == true }) { throw ExitCode(1) }
            if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
        }
    }
}

/// Writes a file readable only by its owner (saved plans and reports may name internal hosts).
func writePrivateFile(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try data.write(to: url, options: .atomic)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
}
