import Foundation

/// Runs `source.enumerate` and reads the addresses it prints, one per line.
public enum SourceEnumerator {
    /// Why enumerating failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The command as written in the plan.
        public var command: [String]
        /// What went wrong.
        public var reason: String
        /// One sentence.
        public var description: String { "source.enumerate (\(command.joined(separator: " "))) failed: \(reason)" }
    }

    /// The addresses in a command's output: blank lines and `#` comments are ignored, a bare name gets
    /// `@defaultDomain`, and what is not an address is returned separately.
    public static func parse(_ output: String, defaultDomain: String?) -> (addresses: [EmailAddress], rejected: [String]) {
        var addresses: [EmailAddress] = []
        var seen = Set<EmailAddress>()
        var rejected: [String] = []
        for raw in output.split(whereSeparator: \.isNewline) {
            // doveadm user prints one name per line; other tools may add columns after a tab or space.
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let word = String(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
            var text = word
            if !text.contains("@"), let defaultDomain { text += "@" + defaultDomain }
            guard let address = EmailAddress(text) else {
                rejected.append(word)
                continue
            }
            if seen.insert(address).inserted { addresses.append(address) }
        }
        return (addresses, rejected)
    }

    /// Runs the command in `directory` (the plan's folder), never through a shell; fails on a non-zero exit.
    public static func run(_ command: [String], in directory: URL, environment: [String: String], timeout: TimeInterval = 300) async throws -> String {
        let outcome: CommandRunner.Outcome
        do {
            outcome = try await CommandRunner.run(command, in: directory, environment: environment, timeout: timeout)
        } catch {
            throw Failure(command: command, reason: "it cannot be started: \(error.reason)")
        }
        guard outcome.succeeded else {
            throw Failure(command: command, reason: outcome.failure(timeout: timeout, errorsOnly: true))
        }
        return String(decoding: outcome.output, as: UTF8.self)
    }
}
