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
        // Generous: the whole unit suite shares two cores; a missing deadline would hang instead.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test("silence instead of a greeting is final, not transient, and names the tls setting; a silent command stays transient")
    func silentGreeting() {
        let greeting = POP3Error.timeout(server: "source pop.acme.test", command: "greeting", seconds: 60)
        #expect(greeting.kind == .permanent)
        #expect(greeting.description == "POP3 server source pop.acme.test sent no greeting within 60 seconds; a port that expects TLS at once (995) needs tls: implicit")
        #expect(POP3Error.timeout(server: "s", command: "RETR", seconds: 60).kind == .transient)
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
        // An idle timeout alone would never fire here; the bound is generous for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test("a server that keeps the minimum rate may take longer than the base timeout; one that trickles may not")
    func progressEarnsTime() {
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        var steady = CommandDeadline(start: start, timeout: 0.3, minimumTransferRate: 1000)
        // 1,000 bytes every 100 ms for a second: ten times the minimum rate, three times the base timeout.
        for tenth in 1...10 {
            steady.progress(bytes: 1000)
            #expect(steady.remaining(at: start + .milliseconds(Int64(100 * tenth))) > .zero)
        }
        #expect(steady.remaining(at: start + .milliseconds(10_299)) > .zero)
        #expect(steady.remaining(at: start + .milliseconds(10_300)) <= .zero)

        var trickle = CommandDeadline(start: start, timeout: 0.5, minimumTransferRate: 1000)
        // Three bytes every 50 ms: 60 B/s earns 3 ms per 50 ms, so the deadline passes soon after 0.5 s.
        var elapsed: Int64 = 0
        while trickle.remaining(at: start + .milliseconds(elapsed)) > .zero {
            trickle.progress(bytes: 3)
            elapsed += 50
        }
        #expect(elapsed <= 550)
    }
}
