import ArgumentParser
import Foundation
import MailMigCLI
import MailMigCore
import MailMigPlanFile

extension MailMig {
    /// `mailmig init`: writes a starter plan.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a commented starter plan (mailmig.yaml) and a .gitignore for the state folder."
        )

        @Argument(help: "The folder to write into (created if missing).")
        var directory: String = "."

        @Flag(help: "Overwrite an existing mailmig.yaml.")
        var force = false

        func run() throws {
            let folder = URL(fileURLWithPath: directory)
            let manager = FileManager.default
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            let planURL = folder.appendingPathComponent(PlanLoader.defaultFileName)
            if manager.fileExists(atPath: planURL.path), !force {
                throw ValidationError("\(planURL.path) already exists; use --force to overwrite it")
            }
            try Data(StarterPlan.text.utf8).write(to: planURL)
            let ignoreURL = folder.appendingPathComponent(".gitignore")
            let existing = (try? String(contentsOf: ignoreURL, encoding: .utf8)) ?? ""
            if !existing.split(separator: "\n").contains(where: { $0.trimmingCharacters(in: .whitespaces) == StarterPlan.ignoreLine }) {
                let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
                try Data((existing + separator + StarterPlan.ignoreBlock).utf8).write(to: ignoreURL)
            }
            print("Wrote \(planURL.path) and .gitignore.")
            print("Next: edit the plan, then run `mailmig validate \(planURL.path)`.")
        }
    }
}
