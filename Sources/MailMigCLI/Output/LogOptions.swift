import ArgumentParser
import Foundation
import Logging

/// `--log-file` and `--log-level`: a log of what a run did, for the operator's records.
///
/// The file gets one line per event (step started, done, failed; mail totals; IMAP warnings) with a
/// UTC timestamp. Secrets never reach it: logins are logged by user name and mechanism only.
/// `MAILMIG_LOG=LEVEL` sends the same events to standard error (see ``LogRouter``).
package struct LogOptions: ParsableArguments {
    /// Options with their defaults, for ArgumentParser.
    package init() {}

    @Option(name: .customLong("log-file"), help: "Append a log of this run to FILE (created with mode 0600). MAILMIG_LOG=LEVEL also sends the events to standard error.",
            completion: .file())
    package var logFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.",
            completion: .list(["trace", "debug", "info", "notice", "warning", "error", "critical"]))
    package var logLevel: String = "info"

    /// Sends the process's log events to the file, when one was given.
    package func bootstrap() throws {
        guard let logFile else { return }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LogRouter.shared.add(try LogFile(path: logFile), level: level)
    }
}

/// The open log file; writes are serialised.
package final class LogFile: LogSink, @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    package init(path: String) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot create the log file \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot open the log file \(path) for writing") }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    package func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data((line + "\n").utf8))
    }
}
