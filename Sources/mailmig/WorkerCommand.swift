import ArgumentParser
import Foundation
import Logging
import MailMigCLI
import MailMigCore
import MailMigPlanFile

extension MailMig {
    /// `mailmig worker`: copy mail for a shared apply that `mailmig apply --workers` runs.
    struct WorkerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "worker",
            abstract: "Copy mail for an apply that `mailmig apply --workers` runs, on this machine or another (needs state: postgres).",
            discussion: """
                    Waits for a shared apply of the same plan file in the plan's PostgreSQL state, claims its mailboxes one at a time (up to --parallelism at once), copies them with the same journal and ledger as apply, and leaves when the apply ends. When its apply's coordinator died and a new apply took over, it finishes the mailboxes it holds (no other worker takes them meanwhile) and joins the new apply, waiting up to --wait for it. A worker that dies loses its claims after --lease seconds, and another worker takes its mailboxes over; the ledger makes sure nothing is copied twice. Ctrl-C finishes the mailboxes in flight and leaves. A worker whose state stops answering for longer than --lease leaves its mailboxes to the others and exits with an error; the exit status is 1 too when a mailbox it copied failed.
                    """
        )

        @Argument(help: "The plan file (the same file the apply uses; its SHA-256 is checked).", completion: .file(extensions: ["yaml", "yml"]))
        var file: String = PlanLoader.defaultFileName

        @OptionGroup var style: OutputStyleOptions
        @OptionGroup var log: LogOptions

        @Option(help: "Mailboxes this worker copies at the same time, at most. Default: the plan's connections (the smaller of source and target).")
        var parallelism: Int?

        @Option(help: ArgumentHelp("Seconds a claim lasts without renewal (the apply's --lease).", valueName: "seconds"))
        var lease: Int = 60

        @Option(help: ArgumentHelp("Seconds to wait for a shared apply to start.", valueName: "seconds"))
        var wait: Int = 600

        @Flag(help: "Print only errors and the final line.")
        var quiet = false

        func validate() throws {
            if let parallelism, parallelism < 1 { throw ValidationError("--parallelism must be at least 1") }
            if lease < 5 || lease > 3_600 { throw ValidationError("--lease must be between 5 and 3600 seconds") }
            if wait < 0 { throw ValidationError("--wait must be 0 or more seconds") }
        }

        func run() async throws {
            try log.bootstrap()
            let palette = style.resolve()
            let interrupt = InterruptHandler()
            try await failing {
                let workspace = try WorkspaceLoader.loadWorkspace(path: file, palette: palette, printWarnings: !quiet)
                guard workspace.stateBackend.isShared else { throw SharedApplyUnavailable(location: workspace.stateBackend.location) }
                let store = try workspace.openState()
                let identity = WorkerIdentity.current()
                let steps = parallelism ?? MailServer.defaultParallelism(source: workspace.plan.source, target: workspace.plan.target)
                let worker = try Worker(workspace: workspace, store: store, parallelism: steps, leaseSeconds: lease, identity: identity,
                                        cancellation: interrupt.flag)
                interrupt.install()
                let lines = WorkerLines(palette: palette)
                if !quiet { lines.line("\(identity): waiting for a shared apply of \(file) at \(workspace.stateBackend.location)") }
                let observer: (any ExecutionObserver)? = quiet ? nil : lines
                let summary = try await worker.run(waitSeconds: Double(wait), observer: observer) { notice in
                    if !quiet { lines.line("\(identity): \(notice)") }
                }
                Logger(label: "mailmig").info("\(summary.line)", metadata: ["apply": "\(summary.applyID)", "worker": "\(identity.id)"])
                print(summary.line)
                if summary.failed > 0 { throw ExitCode(1) }
            }
        }
    }
}
