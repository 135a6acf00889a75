import ArgumentParser
import Foundation
import Logging

/// `--log-file` and `--log-level`: a log of what a run did, for the operator's records.
///
/// The file gets one line per event (step started, done, failed; mail totals; IMAP warnings) with a
/// UTC timestamp. Secrets never reach it: logins are logged by user name and mechanism only.
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log-file"), help: "Append a log of this run to FILE (created with mode 0600).")
    var logFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info (default), notice, warning, error or critical.")
    var logLevel: String = "info"

    /// Sends every logger of the process to the file, when one was given.
    func bootstrap() throws {
        guard let logFile else { return }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        let sink = try LogFile(path: logFile)
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: sink, logLevel: level) }
    }
}

/// The open log file, shared by every handler; writes are serialised.
final class LogFile: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    init(path: String) throws {
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

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        handle.write(Data((line + "\n").utf8))
    }
}

/// One line per log event: `2026-11-21T19:13:30Z info mailmig: step done address=…`.
struct FileLogHandler: LogHandler {
    let label: String
    let sink: LogFile
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, sink: LogFile, logLevel: Logger.Level) {
        self.label = label
        self.sink = sink
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = ISO8601DateFormatter().string(from: Date())
        sink.write("\(time) \(event.level) \(label): \(event.message)" + (fields.isEmpty ? "" : " " + fields))
    }
}
