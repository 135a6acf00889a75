import ArgumentParser
import Foundation
import MailMigCLI
import MailMigCore

extension MailMig {
    /// `mailmig discover`: what the source holds, before migrating.
    struct DiscoverCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "discover",
            abstract: "Look at the source: folders with counts and sizes, special folders, oversize messages, and risks.",
            discussion: """
                    Looks at the plan's mailboxes and, with source.enumerate in the plan, at every mailbox that command lists. Flags mailboxes of 50 GB or more, trash folders of 30 GB or more, more than 500,000 messages, folder names the target cannot hold, and logins that fail (reported per mailbox; the rest goes on). --write FILE.csv writes source,target,tags for the mailboxes only source.enumerate found, ready for `mailboxes: - import: FILE.csv`.
                    """
        )

        @OptionGroup var planFile: PlanFileOptions
        @OptionGroup var style: OutputStyleOptions

        @Flag(help: "Print one JSON object per line (versioned, stable).")
        var json = false

        @Option(help: "Write the mailboxes found by source.enumerate to this CSV file (source,target,tags).")
        var write: String?

        @Flag(help: "Overwrite the --write file if it exists.")
        var force = false

        func validate() throws {
            if let write, !write.lowercased().hasSuffix(".csv") {
                throw ValidationError("--write takes a .csv file (source,target,tags); add it to the plan with `mailboxes: - import: \(write)`")
            }
        }

        func run() async throws {
            let palette = style.resolve()
            try await failing {
                let workspace = try planFile.loadWorkspace(palette: palette, printWarnings: !json)
                if let write, FileManager.default.fileExists(atPath: write), !force {
                    throw ValidationError("\(write) exists; pass --force to overwrite it")
                }
                if write != nil, workspace.plan.source.enumerate == nil {
                    throw ValidationError("--write lists the mailboxes source.enumerate finds, but the plan has no source.enumerate")
                }
                let report = try await Discoverer(context: workspace.mail).run()
                print(json ? DiscoveryRenderer.jsonLines(report) : DiscoveryRenderer.human(report, palette: palette), terminator: "")
                if let write {
                    try Data(DiscoveryRenderer.csv(report).utf8).write(to: URL(fileURLWithPath: write), options: .atomic)
                    let count = report.mailboxes.filter { !$0.inPlan }.count
                    if !json { print("Wrote \(count) mailbox\(count == 1 ? "" : "es") to \(write); add it to the plan with `mailboxes: - import: \(write)`.") }
                }
            }
        }
    }
}
