import Foundation

/// Runs the plan's provisioning commands (`target.provision.check` / `create`) as argument lists, never through a shell.
enum ProvisionCommand {
    /// Fills the placeholders of a command for a mailbox.
    static func fill(_ command: [String], mailbox: MailboxMapping) -> [String] {
        let values = Template.mailboxValues(source: mailbox.source, target: mailbox.target)
        return command.map { Template.fill($0, with: values) }
    }

    /// How long a provisioning command may run, in seconds.
    static let timeout: TimeInterval = 120

    /// Runs `command` in `directory` (the plan's folder), with a time limit.
    static func run(_ command: [String], in directory: URL, environment: [String: String], timeout: TimeInterval = timeout) async throws -> CommandRunner.Outcome {
        try await CommandRunner.run(command, in: directory, environment: environment, timeout: timeout)
    }
}
