import ArgumentParser
import MailMigCore

/// The `mailmig` command: plans and applies email migrations described in YAML.
@main
struct MailMig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailmig",
        abstract: "Plan and apply email migrations described as code.",
        discussion: """
            A migration is a YAML plan file (default: mailmig.yaml) kept in git and reviewed like code.
            Start with `mailmig init`, check the file with `mailmig validate`.
            """,
        version: "mailmig \(MailMigVersion.current)",
        subcommands: [Validate.self, Init.self, Schema.self]
    )
}
