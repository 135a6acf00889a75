import ArgumentParser
import MailMigCore

/// The `mailmig` command: plans and applies email migrations described in YAML.
@main
struct MailMig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailmig",
        abstract: "Plan and apply email migrations described as code.",
        discussion: """
            A migration is a YAML plan file (default: mailmig.yaml) kept in git and reviewed like code.
            Start with `mailmig init`, check the file with `mailmig validate`.
            """,
        version: "mailmig \(MailMigVersion.current)",
        subcommands: [
            Init.self, Validate.self, DiscoverCommand.self, PlanCommand.self, ApplyCommand.self, RollbackCommand.self,
            VerifyCommand.self, StatusCommand.self, ReportCommand.self, StateCommand.self, ForceUnlock.self, Schema.self,
        ]
    )
}
