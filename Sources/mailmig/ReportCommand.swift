import ArgumentParser
import Foundation
import MailMigCLI
import MailMigCore

extension ReportFormat: ExpressibleByArgument {}

extension MailMig {
    /// `mailmig report`: the closeout report in HTML, Markdown, JSON or CSV.
    struct ReportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write the closeout report (html, markdown, json or csv) from the state.",
            discussion: """
                    Summary (mailboxes migrated fully, with skips, failed; messages, bytes, duration, throughput), a table per mailbox, skipped and failed items with reasons, DNS changes with their times, verification results, and the plan name and state serial it was made from. The HTML page is one self-contained file. The state is only read; none is created.
                    """
        )

        @OptionGroup var planFile: PlanFileOptions

        @Option(help: "html, markdown, json or csv.")
        var format: ReportFormat

        @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file (mode 0600) instead of standard output.", completion: .file())
        var output: String?

        func run() async throws {
            try await failing {
                let workspace = try planFile.loadWorkspace(palette: Palette(enabled: false), printWarnings: false)
                let store = try workspace.existingState()
                let report = try ReportBuilder(plan: workspace.plan, store: store).closeout()
                let text = format.render(report)
                guard let output else {
                    print(text, terminator: "")
                    return
                }
                try ReportFile.write(text, to: output)
                printError("Wrote the \(format.rawValue) report of \(report.status.planName) (state serial \(report.status.serial)) to \(output).")
            }
        }
    }
}

/// Writes a report file readable by its owner only.
enum ReportFile {
    struct WriteError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot write the report to \(path): \(reason)" }
    }

    /// Writes `text` to `path` with mode 0600, replacing the file in one rename.
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
            .standardizedFileURL
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw WriteError(path: path, reason: "the folder is missing or not writable")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw WriteError(path: path, reason: reason)
        }
    }
}
