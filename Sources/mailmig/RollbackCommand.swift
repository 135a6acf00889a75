import ArgumentParser
import Foundation
import Logging
import MailMigCLI
import MailMigCore

extension MailMig {
    /// `mailmig rollback`: undo the last apply (or return to a serial), shown as a plan first.
    struct RollbackCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollback",
            abstract: "Undo the last apply, or return to the state of --to-serial N, after showing the changes.",
            discussion: """
                    DNS records go back exactly to what the state recorded then (before the cutover: the records that were there before mailmig). Mail already copied is never removed. With -out FILE the rollback is only saved, for review; `mailmig apply FILE` applies it.
                    """
        )

        @OptionGroup var planFile: PlanFileOptions
        @OptionGroup var style: OutputStyleOptions
        @OptionGroup var lock: LockOptions
        @OptionGroup var log: LogOptions

        @Option(name: .customLong("to-serial"), help: "Return to the state as it was at this serial (see `mailmig state history`).")
        var toSerial: Int?

        @Option(name: [.customLong("out", withSingleDash: true), .customLong("out")], help: "Save the rollback plan to this file instead of applying it.", completion: .file())
        var out: String?

        @Flag(name: .customLong("auto-approve"), help: "Do not ask for confirmation.")
        var autoApprove = false

        @Flag(help: "Print one JSON object per line.")
        var json = false

        func run() async throws {
            try log.bootstrap()
            let palette = style.resolve()
            let interrupt = InterruptHandler()
            let succeeded: Bool = try await failing {
                let workspace = try planFile.loadWorkspace(palette: palette, printWarnings: !json)
                let held = try workspace.lock(operation: "rollback", timeout: lock.lockTimeout)
                defer { held.release() }
                let store = try workspace.openState()
                let engine = Engine(workspace: workspace, store: store)
                for note in try await engine.recover() { printError(note) }
                guard let serial = try toSerial ?? engine.serialBeforeLastApply() else {
                    print("Nothing to roll back: no apply has changed the state yet.")
                    return true
                }
                let plan = try await engine.rollbackPlan(toSerial: serial)
                if json {
                    print(PlanRenderer.jsonLines(plan), terminator: "")
                } else {
                    print("Rollback to serial \(serial):\n")
                    print(PlanRenderer.human(plan, palette: palette), terminator: "")
                }
                if let out {
                    let saved = try SavedPlan(operation: "rollback", meta: store.meta(), planFile: workspace.planPath,
                                              planSHA256: workspace.planSHA256, createdAt: Date(), plan: plan)
                    try writePrivateFile(saved.encoded(), to: out)
                    if !json { print("Saved the rollback to \(out); apply it with `mailmig apply \(out)`.") }
                    return true
                }
                guard plan.hasChanges else { return true }
                if !autoApprove {
                    guard !json else { throw ConfirmationError.jsonNeedsApproval(command: "rollback") }
                    guard try Confirmation.ask("Do you want to roll back?") else {
                        print("Rollback cancelled; nothing was changed.")
                        return true
                    }
                }
                interrupt.install()
                let progress = ApplyProgress(palette: palette, quiet: json, plan: plan, live: false)
                let prompt = json ? nil : TerminalOperatorPrompt.ifInteractive(palette: palette, notice: { progress.notice($0) })
                let report = await engine.apply(plan, operation: "rollback", parallelism: 1, cancellation: interrupt.flag,
                                                observer: progress, operatorPrompt: prompt)
                print(json ? ApplyRenderer.jsonLines(report) : ApplyRenderer.human(report, palette: palette), terminator: "")
                return report.succeeded
            }
            if !succeeded { throw ExitCode(1) }
        }
    }
}
