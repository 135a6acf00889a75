import Foundation

/// Runs the built `mailmig` executable the way a user does, capturing its output and exit code.
enum MailMigBinary {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `$MAILMIG_BINARY`, or `mailmig` next to the test bundle in the build folder.
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["MAILMIG_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        var folder = bundle.deletingLastPathComponent()
        // The test bundle may be a folder (…/mailmigPackageTests.xctest/…) on some platforms.
        while !folder.path.isEmpty, folder.path != "/", !FileManager.default.fileExists(atPath: folder.appendingPathComponent("mailmig").path) {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("mailmig")
    }

    /// Runs `mailmig ARGS` in `directory` with extra environment variables.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read before waiting, so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A new empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
