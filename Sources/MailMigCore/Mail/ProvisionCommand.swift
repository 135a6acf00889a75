import Foundation

/// Runs the plan's provisioning commands (`target.provision.check` / `create`) as argument lists, never through a shell.
enum ProvisionCommand {
    /// The outcome of a command.
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Fills the placeholders of a command for a mailbox.
    static func fill(_ command: [String], mailbox: MailboxMapping) -> [String] {
        let values = Template.mailboxValues(source: mailbox.source, target: mailbox.target)
        return command.map { Template.fill($0, with: values) }
    }

    /// Runs `command` in `directory` (the plan's folder), with a time limit.
    static func run(_ command: [String], in directory: URL, environment: [String: String], timeout: TimeInterval = 120) async throws -> Outcome {
        guard let program = command.first else { return Outcome(status: 127, output: "empty command") }
        let process = Process()
        if program.contains("/") {
            process.executableURL = program.hasPrefix("/") ? URL(fileURLWithPath: program) : directory.appendingPathComponent(program)
            process.arguments = Array(command.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command
        }
        process.currentDirectoryURL = directory
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        process.waitUntilExit()
        let data = await reader.value
        let text = String(decoding: data.suffix(2_000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Outcome(status: process.terminationStatus, output: text)
    }
}
