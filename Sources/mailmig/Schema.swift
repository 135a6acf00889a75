import ArgumentParser
import MailMigPlanFile

extension MailMig {
    /// `mailmig schema`: prints the plan file's JSON Schema.
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of plan files (format 1), for editors and CI checks."
        )

        func run() {
            print(PlanSchema.json, terminator: "")
        }
    }
}
