import NIOCore
import Testing
@testable import MailMigPOP3

/// Each command's answer has a deadline: `commandTimeout`, plus `1 / minimumTransferRate` seconds
/// for every byte read. A stalled server and one that trickles slower than the minimum rate both
/// hit it; a server that keeps the rate never does, however long the answer.
@Suite("POP3 command deadline")
struct DeadlineTests {
    @Test("a server that says nothing hits the deadline; the error names the command and is transient")
    func silent() async throws {
        let server = try await ScriptedPOP3Server.start(commandTimeout: 0.3)
        let started = ContinuousClock.now
        let stat = Task { try await server.client.statistics() }
        _ = try await server.received()
        let error = try await #require(throws: POP3Error.self) { try await stat.value }
        guard case .timeout(_, "STAT", _) = error else { Issue.record("\(error)"); return }
        #expect(error.kind == .transient)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("a server trickling a short line every 50 ms (60 B/s, below the 1,000 B/s minimum) still hits the deadline")
    func trickle() async throws {
        let server = try await ScriptedPOP3Server.start(commandTimeout: 0.5, minimumTransferRate: 1000)
        let started = ContinuousClock.now
        let message = Task { try await server.client.retrieve(1, maximumSize: 1 << 20) }
        _ = try await server.received()
        let feeder = Task {
            try await server.send(bytes: Array("+OK\r\n".utf8))
            while !Task.isCancelled {
                // Whole lines, so every one reaches the client as progress.
                try await server.send(bytes: Array("x\r\n".utf8))
                try await Task.sleep(nanoseconds: 50_000_000)
            }
        }
        defer { feeder.cancel() }
        let error = try await #require(throws: POP3Error.self) { try await message.value }
        guard case .timeout(_, "RETR", _) = error else { Issue.record("\(error)"); return }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test("a server that keeps the minimum rate may take longer than the base timeout")
    func steadyProgress() async throws {
        let server = try await ScriptedPOP3Server.start(commandTimeout: 0.3, minimumTransferRate: 1000)
        async let message = server.client.retrieve(1, maximumSize: 1 << 20)
        _ = try await server.received()
        let line = Array(repeating: UInt8(ascii: "y"), count: 998) + [13, 10]
        try await server.send(bytes: Array("+OK\r\n".utf8))
        // 1,000 bytes every 100 ms for a second: ten times the minimum rate, three times the base timeout.
        for _ in 0..<10 {
            try await server.send(bytes: line)
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        try await server.send(bytes: Array(".\r\n".utf8))
        #expect(try await message.count == 10_000)
    }
}
