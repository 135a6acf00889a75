import ArgumentParser
import Foundation
import MailMigCLI
import MailMigCore
import MailMigPlanFile

extension MailMig {
    /// `mailmig validate`: checks plan files offline.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check plan files offline and report every error with file:line:col.",
            discussion: """
                    Nothing is contacted and no secret is read. Exits 0 when every file is valid (warnings allowed), 1 when any file has an error.
                    """
        )

        @Argument(help: "Plan files to check (default: mailmig.yaml).", completion: .file(extensions: ["yaml", "yml"]))
        var plans: [String] = []

        @Flag(name: .customLong("json"), help: "Print one JSON object per diagnostic and one per file.")
        var json = false

        @OptionGroup var style: OutputStyleOptions

        func run() throws {
            let files = plans.isEmpty ? [PlanLoader.defaultFileName] : plans
            let printer = DiagnosticPrinter(palette: style.resolve())
            var failed = false
            for file in files {
                let result = PlanLoader.load(path: file, dnsKinds: AdapterRegistry.standard.dns)
                failed = failed || result.plan == nil
                if json {
                    DiagnosticPrinter.jsonLines(result, file: file).forEach { print($0) }
                } else {
                    printer.print(result, file: file)
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
