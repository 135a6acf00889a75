import Foundation
import Logging
import Testing
@testable import MailMigIMAP
import IMAPTestSupport

/// The trace log names every command's connection and, once answered, its status and round trip:
/// an operator reads a slow pass from it command by command.
@Suite("Trace log")
struct TraceLogTests {
    @Test("each command is logged when sent and when answered, with its connection, status and milliseconds")
    func commandsAreTimed() async throws {
        let events = TraceEvents()
        var logger = Logger(label: "mailmig.imap") { _ in TraceEvents.Handler(events: events) }
        logger.logLevel = .trace
        let server = try await ScriptedServer.start(logger: logger)
        try await server.login(capabilities: "IMAP4rev1")
        let client = server.client
        let done = Task { try await client.noop() }
        #expect(try await server.received() == "M2 NOOP\r\n")
        try await Task.sleep(for: .milliseconds(30))
        try await server.send("M2 NO not now")
        await #expect(throws: IMAPError.self) { try await done.value }

        let lines = events.all.filter { $0.metadata["tag"] == "M2" }
        #expect(lines.map(\.message) == ["sending command", "command completed"])
        // The client's own port names the connection, as the server's logs name it: not the server's port 143.
        #expect(lines.allSatisfy { $0.metadata["connection"] == "\(ScriptedServer.localPort)" && $0.metadata["server"] == "scripted" })
        #expect(lines.first?.metadata["command"] == "NOOP")
        let completed = try #require(lines.last)
        #expect(completed.metadata["status"] == "NO")
        let milliseconds = try #require(completed.metadata["ms"].flatMap(Double.init))
        #expect(milliseconds >= 30 && milliseconds < 10_000)
    }
}

/// Log events kept in memory, as text.
final class TraceEvents: @unchecked Sendable {
    struct Event {
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var events: [Event] = []

    var all: [Event] { lock.withLock { events } }

    func add(_ event: Event) { lock.withLock { events.append(event) } }

    struct Handler: LogHandler {
        let events: TraceEvents
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let merged = self.metadata.merging(metadata ?? [:]) { _, new in new }
            events.add(Event(message: message.description, metadata: merged.mapValues(\.description)))
        }
    }
}
