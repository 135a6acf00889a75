import ArgumentParser
import Logging
import Foundation
import MailMigCLI
import MailMigCore

extension MailMig {
    /// `mailmig status`: where the migration stands, from the state alone.
    struct StatusCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show where the migration stands: per batch and mailbox, per domain (read from the state; no server is contacted).",
            discussion: """
                    Per mailbox: stage, messages and bytes copied (from the ledger) of those known, skipped messages with reasons, the last failure with the server's answer, the last pass and its duration, and the last verification. Per domain: the route, the managed records and their TTLs as recorded, and the earliest cutover time. The state is only read; none is created.
                    """
        )

        @OptionGroup var planFile: PlanFileOptions
        @OptionGroup var style: OutputStyleOptions

        @Flag(help: "Print one JSON object per line (versioned, stable).")
        var json = false

        func run() async throws {
            let palette = style.resolve()
            try await failing {
                let workspace = try planFile.loadWorkspace(palette: palette, printWarnings: false)
                let store = try workspace.existingState()
                let status = try ReportBuilder(plan: workspace.plan, store: store).status()
                Logger(label: "mailmig").info("status read from the state", metadata: ["mailboxes": "\(status.mailboxes.count)", "domains": "\(status.domains.count)"])
                print(json ? StatusRenderer.jsonLines(status) : StatusRenderer.human(status, palette: palette), terminator: "")
            }
        }
    }
}
