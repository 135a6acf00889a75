import Foundation

/// Runs a command from a plan (provisioning, enumeration) as a list of words, never through a shell.
///
/// A relative program path resolves against the plan's folder; a bare name is looked up on the PATH.
/// The command gets no standard input and is stopped after `timeout` seconds.
public enum CommandRunner {
    /// What a finished command left behind.
    public struct Outcome: Sendable {
        /// The exit status (meaningful when `exited`).
        public var status: Int32
        /// Whether it exited by itself (not stopped by the time limit or a signal).
        public var exited: Bool
        /// Standard output.
        public var output: Data
        /// Standard error.
        public var errors: Data

        /// Exited with status 0.
        public var succeeded: Bool { exited && status == 0 }

        /// The end of standard error (or of the output when there is none), trimmed, for messages.
        public var errorText: String {
            let tail = errors.isEmpty ? output.suffix(2_000) : errors.suffix(2_000)
            return String(decoding: tail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// `exited with 3: no such domain`, or `exited with 3` alone when it printed nothing;
        /// `was stopped after 120 s or by a signal` when it did not exit by itself. `errorsOnly` leaves
        /// the standard output out (when it is data, not a message).
        public func failure(timeout: TimeInterval, errorsOnly: Bool = false) -> String {
            let how = exited ? "exited with \(status)" : "was stopped after \(Int(timeout)) s or by a signal"
            let text = errorsOnly && errors.isEmpty ? "" : errorText
            return text.isEmpty ? how : "\(how): \(text)"
        }
    }

    /// Runs `command` in `directory`; throws only when it cannot be started.
    public static func run(_ command: [String], in directory: URL, environment: [String: String], timeout: TimeInterval) async throws -> Outcome {
        guard let program = command.first else { return Outcome(status: 127, exited: true, output: Data(), errors: Data("empty command".utf8)) }
        let process = Process()
        if program.contains("/") {
            process.executableURL = directory.resolvingPlanPath(program)
            process.arguments = Array(command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
        }
        process.currentDirectoryURL = directory
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read while it runs, so a chatty command cannot fill a pipe and block.
        let outputReader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let errorReader = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, exited: process.terminationReason == .exit,
                       output: await outputReader.value, errors: await errorReader.value)
    }
}
