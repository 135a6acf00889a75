import ArgumentParser
import MailMigCLI
import MailMigCore

/// The process's entry point: logging goes nowhere until asked, then the command runs.
@main
enum Entry {
    static func main() async {
        LogRouter.bootstrap()
        await MailMig.main()
    }
}

/// The `mailmig` command: plans and applies email migrations described in YAML.
struct MailMig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailmig",
        abstract: "Plan and apply email migrations described as code.",
        discussion: """
            A migration is a YAML plan file (default: mailmig.yaml) kept in git and reviewed like code. Start with `mailmig init`, check the file with `mailmig validate`.

            Environment: MAILMIG_LOG=LEVEL (trace, debug, info, notice, warning, error, critical) sends log events to standard error; NO_COLOR turns colour off.
            """,
        version: "mailmig \(MailMigVersion.current)",
        // In the order a migration uses them; then state repair, then tools.
        subcommands: [
            Init.self, Validate.self, DiscoverCommand.self, PlanCommand.self, ApplyCommand.self, VerifyCommand.self,
            StatusCommand.self, ReportCommand.self, RollbackCommand.self, WorkerCommand.self,
        ],
        groupedSubcommands: [
            CommandGroup(name: "State", subcommands: [StateCommand.self, ForceUnlock.self]),
            CommandGroup(name: "Tools", subcommands: [Schema.self, Completions.self]),
        ]
    )
}
