import Foundation

/// Runs helper programs (python scripts, dovecot.sh) for the mail suites and captures their output.
enum ScriptRunner {
    /// A helper program failed, or something a test needs is missing.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Exit status and output of a finished program.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `program ARGS`; never throws for a non-zero exit.
    static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inputFile: URL?
        if let input {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailtests-input-\(UUID().uuidString)")
            try input.write(to: url)
            process.standardInput = try FileHandle(forReadingFrom: url)
            inputFile = url
        } else {
            process.standardInput = FileHandle.nullDevice
            inputFile = nil
        }
        defer { if let inputFile { try? FileManager.default.removeItem(at: inputFile) } }
        try process.run()
        let errors = ErrorCollector(err)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: errors.text())
    }

    /// Runs `program ARGS` and returns its standard output; a non-zero exit throws with its error output.
    @discardableResult
    static func succeed(_ program: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) throws -> String {
        let output = try run(program, arguments, environment: environment, input: input)
        guard output.status == 0 else {
            throw Failure(description: "\(([program] + arguments).joined(separator: " ")) exited with \(output.status): \(output.stderr)\(output.stdout.suffix(2000))")
        }
        return output.stdout
    }
}

/// Reads a pipe to its end on another thread, so neither pipe of a child can fill up and block it.
final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    /// Starts reading `pipe`.
    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Everything the pipe carried (waits for its end).
    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
