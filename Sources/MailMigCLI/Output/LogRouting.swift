import Foundation
import Logging
import MailMigCore

/// Where log events go: nowhere unless the operator asks, like `TF_LOG` for Terraform.
///
/// `--log-file FILE` appends events at `--log-level` to a file; `MAILMIG_LOG=LEVEL` sends events at
/// that level to standard error. Without either, commands print only their own output. The logging
/// system is bootstrapped once, at start, with a handler that asks this router at each event, so a
/// destination chosen later by a subcommand's options still reaches loggers made before it.
package final class LogRouter: @unchecked Sendable {
    /// The process's router.
    package static let shared = LogRouter()

    /// The environment variable that sends log events to standard error.
    package static let environmentVariable = "MAILMIG_LOG"

    private let lock = NSLock()
    private var sinks: [(sink: any LogSink, level: Logger.Level)] = []

    /// Installs the router as the process's logging system and reads `MAILMIG_LOG`.
    ///
    /// An unknown level is reported on standard error once and ignored: logging must never stop a
    /// migration.
    package static func bootstrap(environment: [String: String] = ProcessInfo.processInfo.environment) {
        LoggingSystem.bootstrap { label in RoutedLogHandler(label: label, router: shared) }
        guard let value = environment[environmentVariable], !value.isEmpty else { return }
        if let level = Logger.Level(rawValue: value.lowercased()) {
            shared.add(StandardErrorSink(), level: level)
        } else {
            FileHandle.standardError.write(Data("Warning: \(environmentVariable)=\(value) is not a log level; use trace, debug, info, notice, warning, error or critical\n".utf8))
        }
    }

    /// Sends events at `level` and above to `sink` from now on.
    package func add(_ sink: any LogSink, level: Logger.Level) {
        lock.lock()
        defer { lock.unlock() }
        sinks.append((sink, level))
    }

    /// The lowest level any destination wants, or `nil` when nothing is logged.
    package var lowestLevel: Logger.Level? {
        lock.lock()
        defer { lock.unlock() }
        return sinks.map(\.level).min()
    }

    /// Writes one formatted event to every destination that wants its level.
    package func write(_ line: String, level: Logger.Level) {
        lock.lock()
        let wanted = sinks.filter { level >= $0.level }.map(\.sink)
        lock.unlock()
        for sink in wanted { sink.write(line) }
    }
}

/// A destination of log lines.
package protocol LogSink: Sendable {
    /// Writes one line (without its newline).
    func write(_ line: String)
}

/// Standard error, unbuffered, one line per event.
package struct StandardErrorSink: LogSink {
    package func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// One line per log event through the router: `2026-11-21T19:13:30Z info mailmig: step done address=…`.
package struct RoutedLogHandler: LogHandler {
    package let label: String
    package let router: LogRouter
    package var metadata: Logger.Metadata = [:]
    private var explicitLevel: Logger.Level?

    package init(label: String, router: LogRouter) {
        self.label = label
        self.router = router
    }

    /// The lowest level a destination wants (`critical` when there is none, so nearly nothing is
    /// even formatted); a level set on a logger raises it further.
    package var logLevel: Logger.Level {
        get { max(router.lowestLevel ?? .critical, explicitLevel ?? .trace) }
        set { explicitLevel = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// UTC with milliseconds (`2026-11-21T18:36:54.127Z`): a trace's round trips are milliseconds apart.
    private static let timestamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    package func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(Self.timestamp)
        let line = "\(time) \(event.level) \(label): \(event.message)" + (fields.isEmpty ? "" : " " + fields)
        // A server's words in an event may quote a secret it was sent.
        router.write(SecretRedaction.redact(line), level: event.level)
    }
}
