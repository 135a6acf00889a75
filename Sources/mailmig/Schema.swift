import ArgumentParser
import MailMigCLI
import MailMigCore
import MailMigPlanFile

extension MailMig {
    /// `mailmig schema`: prints the plan file's JSON Schema.
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of plan files (format 1), for editors and CI checks."
        )

        func run() throws {
            print(try PlanSchema.json(dnsKinds: AdapterRegistry.standard.dns), terminator: "")
        }
    }
}
