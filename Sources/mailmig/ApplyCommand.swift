import ArgumentParser
import Foundation
import Logging
import MailMigCLI
import MailMigCore
import MailMigPlanFile

extension MailMig {
    /// `mailmig apply`: make it so.
    struct ApplyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Apply a plan file (after showing it and asking), or a saved plan (as it is).",
            discussion: """
                    Every step is journaled and the state is committed after each one. A failed mailbox is charged to its batch's error_budget and the other mailboxes go on; once a batch's budget is spent, that batch starts nothing new and the other batches go on. Any other failure, or Ctrl-C, lets the steps in flight finish and starts nothing new. Run apply again to resume. Prints at the end: Applied N/M: ✓ done, ✗ failed, ○ not started.

                    Exit status: 0 when everything is done (or waits for the operator), 1 when a step failed or a gate holds something back, 3 when a batch's error budget was spent.
                    """
        )

        @Argument(help: "A plan file or a plan saved with `mailmig plan -out FILE`.", completion: .file(extensions: ["yaml", "yml", "plan", "json"]))
        var file: String = PlanLoader.defaultFileName

        @OptionGroup var style: OutputStyleOptions
        @OptionGroup var lock: LockOptions
        @OptionGroup var log: LogOptions
        @OptionGroup var filter: FilterOptions

        @Flag(name: .customLong("auto-approve"), help: "Do not ask for confirmation. Without --workers, a mailbox already at its batch's stage is then asked what is new by its pass, which copies it in the same session (one source login instead of two) or ends there when nothing is.")
        var autoApprove = false

        @Flag(inversion: .prefixedNo, help: "Ask the mail servers what changed (--no-refresh plans mail from the recorded state alone, fast for very large plans).")
        var refresh = true

        @Flag(help: "Let a cutover go ahead although a safety gate holds it back.")
        var force = false

        @Option(help: "Steps run at the same time, at most (DNS changes always run one at a time); with --workers, per worker. Default: the plan's connections (the smaller of source and target, 8 unless set), since over a WAN the round trips, not the servers, are the limit. Once no mailbox is left to start, passes still running copy several folders at once on the idle ones.")
        var parallelism: Int?

        @Option(help: ArgumentHelp("Copy mail in N worker processes on this machine, joined by any `mailmig worker` on other machines (0: only those); needs state: postgres.", valueName: "N"))
        var workers: Int?

        @Option(help: ArgumentHelp("With --workers: seconds a worker's claim on a mailbox lasts without renewal; a worker silent that long has its mailboxes taken over (default: 60).", valueName: "seconds"))
        var lease: Int?

        @Flag(help: "Print one JSON object per line.")
        var json = false

        @Flag(help: "Print no progress lines, only the plan and the final summary.")
        var quiet = false

        func validate() throws {
            if let workers, workers < 0 || workers > 256 { throw ValidationError("--workers must be between 0 and 256") }
            if let lease, lease < 5 || lease > 3_600 { throw ValidationError("--lease must be between 5 and 3600 seconds") }
            if lease != nil, workers == nil { throw ValidationError("--lease is the lease of a shared apply's workers: give --workers N with it") }
            if let parallelism, parallelism < 1 { throw ValidationError("--parallelism must be at least 1") }
        }

        func run() async throws {
            try log.bootstrap()
            let palette = style.resolve()
            let interrupt = InterruptHandler()
            let status: Int32 = try await failing {
                let saved = try SavedPlan.read(ifSavedPlanAt: file)
                let planPath = saved?.planFile ?? file
                let workspace = try WorkspaceLoader.loadWorkspace(path: planPath, palette: palette, printWarnings: !json)
                // Before the lock, which creates a local state: a state only this process can use cannot take workers.
                if workers != nil, !workspace.stateBackend.isShared {
                    throw SharedApplyUnavailable(location: workspace.stateBackend.location)
                }
                let held = try workspace.lock(operation: saved?.operation ?? "apply", timeout: lock.lockTimeout)
                defer { held.release() }
                let store = try workspace.openState()
                let engine = Engine(workspace: workspace, store: store)
                for note in try await engine.recover() { printError(note) }
                let plan: ExecutionPlan
                if let saved {
                    try saved.check(against: store.meta(), planSHA256: workspace.planSHA256)
                    plan = saved.plan
                    if !json { print(PlanRenderer.human(plan, palette: palette), terminator: "") }
                } else {
                    // Run at once, a mailbox brought to its stage is asked what changed by its pass, in the
                    // session that copies: asking while planning too would log in to the source twice.
                    plan = try await engine.plan(force: force, filter: filter.filter, refresh: refresh, checkInPass: autoApprove && workers == nil)
                    if !json { print(PlanRenderer.human(plan, palette: palette), terminator: "") }
                    if plan.hasChanges, !autoApprove {
                        // JSON output shows no plan to confirm: like terraform apply -json, it needs an explicit approval.
                        guard !json else { throw ConfirmationError.jsonNeedsApproval(command: "apply") }
                        guard try Confirmation.ask("Do you want to perform these actions?") else {
                            print("Apply cancelled; nothing was changed.")
                            return 0
                        }
                    }
                }
                guard plan.hasChanges else { return plan.blocked.isEmpty ? 0 : 1 }
                interrupt.install()
                let progress = ApplyProgress(palette: palette, quiet: quiet || json, plan: plan, live: true)
                interrupt.route(notice: { progress.notice($0) }, cleanup: { progress.finish() })
                // Another apply may hold the lock now: finish what is in flight, start nothing more.
                let flag = interrupt.flag
                held.whenLost { reason in
                    printError("Error: \(reason)")
                    flag.cancel()
                }
                let prompt = json ? nil : TerminalOperatorPrompt.ifInteractive(palette: palette, notice: { progress.notice($0) })
                let report: ApplyReport
                var copiedByWorkers: String?
                let steps = parallelism ?? MailServer.defaultParallelism(source: workspace.plan.source, target: workspace.plan.target)
                if let workers {
                    let shared = try await SharedApplyRun(plan: plan, planPath: planPath, engine: engine, workers: workers, parallelism: steps,
                                                      leaseSeconds: lease ?? 60, operation: saved?.operation ?? "apply", cancellation: interrupt.flag,
                                                      progress: progress, operatorPrompt: prompt).run()
                    report = shared.report
                    copiedByWorkers = shared.copied
                } else {
                    report = await engine.apply(plan, operation: saved?.operation ?? "apply", parallelism: steps,
                                                cancellation: interrupt.flag, observer: progress, mailProgress: progress, operatorPrompt: prompt)
                }
                progress.finish()
                Logger(label: "mailmig").info("\(report.summaryLine)", metadata: ["apply": "\(report.applyID)"])
                if json {
                    print(ApplyRenderer.jsonLines(report), terminator: "")
                } else {
                    if let summary = progress.summary ?? copiedByWorkers { print(summary) }
                    print(ApplyRenderer.human(report, palette: palette), terminator: "")
                    if report.succeeded, !plan.blocked.isEmpty {
                        print("Not done yet: \(plan.blocked.count) held back (see above); apply again when the gate allows it.")
                    }
                }
                if !report.exhaustedBudgets.isEmpty { return 3 }
                return report.succeeded && plan.blocked.isEmpty ? 0 : 1
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
