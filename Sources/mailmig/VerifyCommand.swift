import ArgumentParser
import Foundation
import Logging
import MailMigCLI
import MailMigCore

extension MailMig {
    /// `mailmig verify`: are the migrated mailboxes the same on both sides?
    struct VerifyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Compare every migrated mailbox on source and target, folder by folder; exit 1 on any difference.",
            discussion: """
                    Per folder: counts, Message-IDs, size sums, flags (without \\Recent) and internal dates; with --deep also the SHA-256 of every body. With --backup the backup is compared instead of the target, always with the SHA-256 of every body, and each of its files is hashed again against its manifest; that verdict is recorded apart and does not hold back a cutover. When the plan has `collections:`, every address book, calendar and task list is compared too, item by item after normalising (servers reorder and refold lines); items not copied on purpose (changed on the target, refused) are listed, not failures. Messages skipped on purpose are listed and counted (a verification that passes says how many are not on the target), messages on the target that mailmig did not copy are warnings, mail that arrived after the last pass is noted. The result is recorded: the cutover of a domain waits while its last verification failed.
                    """
        )

        @OptionGroup var planFile: PlanFileOptions
        @OptionGroup var style: OutputStyleOptions
        @OptionGroup var lock: LockOptions

        @Flag(help: "Also fetch every body on both sides and compare SHA-256 (slow: reads all mail once more).")
        var deep = false

        @Flag(help: "Compare the backup (backup: in the plan) with the source instead of the target: every body by SHA-256, and every file against the backup's manifest.")
        var backup = false

        @Flag(help: "Print one JSON object per line (versioned, stable).")
        var json = false

        @Option(name: .customLong("target"), help: "Only verify this mailbox (mailbox.ADDRESS or the address; repeatable).")
        var targets: [String] = []

        func run() async throws {
            let palette = style.resolve()
            let passed: Bool = try await failing {
                let workspace = try planFile.loadWorkspace(palette: palette, printWarnings: !json)
                let held = try workspace.lock(operation: "verify", timeout: lock.lockTimeout)
                defer { held.release() }
                let store = try workspace.openState()
                let filter = ResourceFilter(targets: targets.map { $0.hasPrefix("mailbox.") ? $0 : MailboxRecord.address($0) })
                if backup, workspace.plan.backup == nil {
                    throw ValidationError("--backup compares the backup with the source, but the plan has no backup: section")
                }
                let verifier = Verifier(context: workspace.mail, store: store, deep: deep, filter: filter, backup: backup)
                let report = try await verifier.run()
                try verifier.record(report)
                let logger = Logger(label: "mailmig")
                for mailbox in report.mailboxes {
                    logger.debug("verified", metadata: ["mailbox": "\(mailbox.source)", "outcome": "\(mailbox.outcome)",
                                                        "differences": "\(mailbox.differences)"])
                }
                logger.info("verification \(report.passed ? "passed" : "failed")", metadata: ["mailboxes": "\(report.mailboxes.count)", "deep": "\(deep)"])
                print(json ? VerificationRenderer.jsonLines(report) : VerificationRenderer.human(report, palette: palette), terminator: "")
                return report.passed
            }
            if !passed { throw ExitCode(1) }
        }
    }
}
