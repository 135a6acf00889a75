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
        guard let program = command.first else { throw Failure(command: command, reason: "the command is empty") }
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
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(command: command, reason: "\(error)")
        }
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
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
        let data = await reader.value
        let errorText = String(decoding: (await errorReader.value).suffix(1_000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit ? "exit status \(process.terminationStatus)" : "it was stopped after \(Int(timeout)) s or by a signal"
            throw Failure(command: command, reason: errorText.isEmpty ? how : "\(how): \(errorText)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
