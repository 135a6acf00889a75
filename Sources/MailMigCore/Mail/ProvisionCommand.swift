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
    static func run(_ command: [String], in directory: URL, environment: [String: String],
                    timeout: TimeInterval = timeout) async throws(CommandRunner.CannotStart) -> CommandRunner.Outcome {
        try await CommandRunner.run(command, in: directory, environment: environment, timeout: timeout)
    }

    /// What `target.provision.check` says of a mailbox: exit status 0, it exists; any other exit
    /// status, it is missing, and the step that creates it quotes the check's last line of output.
    ///
    /// - Throws: `ProvisionCheckFailed` when the check cannot be started or does not exit by itself
    ///   (stopped at the time limit or by a signal): that is no answer, and nothing is created on it.
    static func check(_ command: [String], in directory: URL, environment: [String: String],
                      timeout: TimeInterval = timeout) async throws(ProvisionCheckFailed) -> TargetPresence {
        let outcome: CommandRunner.Outcome
        do {
            outcome = try await CommandRunner.run(command, in: directory, environment: environment, timeout: timeout)
        } catch {
            throw ProvisionCheckFailed(command: command, reason: error.description)
        }
        guard outcome.exited else { throw ProvisionCheckFailed(command: command, reason: outcome.failure(timeout: timeout)) }
        if outcome.succeeded { return TargetPresence(exists: true) }
        return TargetPresence(exists: false, missingBecause: "`\(command.joined(separator: " "))` \(Self.lastLine(of: outcome, timeout: timeout))")
    }

    /// `exited with 67: user bob@acme.test doesn't exist`: the failure with only the last line of
    /// what the command printed, at most 200 characters, so that it fits on a plan line.
    static func lastLine(of outcome: CommandRunner.Outcome, timeout: TimeInterval) -> String {
        let how = outcome.failure(timeout: timeout, errorsOnly: true)
        guard let colon = how.range(of: ": ") else { return how }
        let text = how[colon.upperBound...]
        let last = text.split(whereSeparator: \.isNewline).last.map { String($0.trimmingCharacters(in: .whitespaces).prefix(200)) } ?? ""
        return last.isEmpty ? String(how[..<colon.lowerBound]) : "\(how[..<colon.lowerBound]): \(last)"
    }
}

/// What the plan learned of a target mailbox before its first pass.
struct TargetPresence: Sendable {
    /// Whether the mailbox exists.
    var exists: Bool
    /// What the login that found it saw; nil when a check command answered.
    var view: TargetView?
    /// Why it counts as missing, for the step that creates it: `` `doveadm user bob@acme.test` exited with 67: …``.
    var missingBecause = ""
}

/// `target.provision.check` gave no answer for a mailbox: it could not be started, or it was stopped.
struct ProvisionCheckFailed: Error, CustomStringConvertible {
    /// The command with its placeholders filled in.
    var command: [String]
    /// What happened: `` `./check.sh` cannot be started: there is no such file (…)``.
    var reason: String

    var description: String {
        "target.provision.check (\(command.joined(separator: " "))) gave no answer, so whether its target mailbox exists is not known: \(reason)"
    }
}
