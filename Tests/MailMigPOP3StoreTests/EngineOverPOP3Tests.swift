import Foundation
@testable import MailMigCore
import Testing
import TestSupport

/// The engine's own copier, verifier and retry over the POP3 store: the maildrop arrives in the
/// target's INBOX byte for byte, exactly once, however often the pass runs or breaks.
@Suite("POP3 store under the engine")
struct EngineOverPOP3Tests {
    let alice = StoreFixture.alice

    static let tricky: [UInt8] = Array(StoreFixture.message(["Date: Fri, 5 Jul 2024 09:30:00 +0200", "Message-ID: <t@acme.test>"],
                                                            body: ".\r\n..dots\r\n8-bit: ").utf8) + [0xC3, 0xA9, 0x0D, 0x0A]

    static func server(_ count: Int = 3) async throws -> ScriptedPOP3Server {
        var script = ScriptedPOP3Server.Script()
        script.messages = (1...count).map { .init(StoreFixture.sample($0, day: $0), id: "uid-\($0)") } + [.init(bytes: tricky, id: "uid-tricky")]
        return try await ScriptedPOP3Server.start(script)
    }

    @Test("apply copies the maildrop into the target INBOX, exactly, with the rule's dates and no flags; verify passes; a second apply reads no message")
    func copy() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        let harness = try EngineHarness(server: server)
        let (plan, report) = try await harness.apply()
        #expect(plan.blocked.isEmpty, "\(plan.blocked.map(\.reason))")
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        let arrived = harness.target.messages(in: "INBOX", of: alice)
        let sent = server.shared.script.withLock { $0.messages }
        #expect(arrived.map(\.body) == sent.map(\.bytes), "in maildrop order, byte for byte")
        #expect(arrived.map { $0.internalDate?.text } == ["01-Jul-2024 10:00:01 +0200", "02-Jul-2024 10:00:02 +0200", "03-Jul-2024 10:00:03 +0200",
                                                       "05-Jul-2024 09:30:00 +0200"])
        #expect(arrived.allSatisfy { $0.flags.isEmpty })
        #expect(Set(try harness.ledger().map(\.uid)) == [.name("uid-1"), .name("uid-2"), .name("uid-3"), .name("uid-tricky")])
        #expect(!server.commands.contains("DELE"))

        let verification = try await harness.verify(deep: true)
        #expect(verification.passed, "\(verification.mailboxes)")

        let settled = try await harness.plan()
        #expect(settled.steps.isEmpty, "an unchanged maildrop needs no pass: \(settled.steps.map(\.reason))")

        let retrieved = server.commands.filter { $0 == "RETR" }.count
        let (_, again) = try await harness.apply()
        #expect(again.succeeded)
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 4)
        #expect(server.commands.filter { $0 == "RETR" }.count == retrieved, "nothing new: no message is retrieved again")
    }

    @Test("mail that arrives between passes is copied by the next one; mail the user removed stays on the target")
    func incremental() async throws {
        let server = try await Self.server(2)
        defer { Task { await server.stop() } }
        let harness = try EngineHarness(server: server)
        #expect(try await harness.apply().report.succeeded)
        server.change { script in
            script.messages.removeFirst()
            script.messages.append(.init(StoreFixture.sample(9, day: 9), id: "uid-9"))
        }
        let planned = try await harness.plan()
        #expect(planned.steps.map(\.reason) == ["sync (incremental): 1 message (\(Formatting.bytes(Int64(StoreFixture.sample(9, day: 9).utf8.count)))) from POP3 to INBOX"],
                "one message removed and one delivered keep the count; the unique-ids tell the change")
        let (_, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        let bodies = harness.target.messages(in: "INBOX", of: alice).map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies.count == 4)
        #expect(bodies.filter { $0 == StoreFixture.sample(9, day: 9) }.count == 1)
        #expect(bodies.filter { $0 == StoreFixture.sample(1, day: 1) }.count == 1)
    }

    @Test("a connection the server drops during RETR ends that session; the retried pass opens a new one and copies each message once")
    func droppedSession() async throws {
        let server = try await Self.server()
        defer { Task { await server.stop() } }
        server.change { $0.dropAtRETR = 3 }
        let harness = try EngineHarness(server: server)
        let (_, report) = try await TransientRetry.$pauseScale.withValue(0.001) { try await harness.apply() }
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        let arrived = harness.target.messages(in: "INBOX", of: alice)
        #expect(arrived.map(\.body) == server.shared.script.withLock { $0.messages.map(\.bytes) })
        #expect(Set(arrived.map(\.body)).count == 4, "no message twice")
        let sessions = server.record.lines.filter { $0 == "UIDL" }.count
        #expect(sessions >= 3, "planning, the broken pass and its retry each listed the maildrop in a session of its own")
        #expect(server.commands.filter { $0 == "QUIT" }.count == sessions - 1, "every session but the dropped one ended with QUIT")
    }

    @Test("pop3_folder: the maildrop goes to that folder on the target, which is created")
    func namedFolder() async throws {
        let server = try await Self.server(1)
        defer { Task { await server.stop() } }
        let harness = try EngineHarness(server: server, sourceExtra: "pop3_folder: Archive/Old POP")
        let (_, report) = try await harness.apply()
        #expect(report.succeeded, "\(report.failed.map(\.outcome))")
        #expect(harness.target.messages(in: "Archive/Old POP", of: alice).count == 2)
        #expect(harness.target.messages(in: "INBOX", of: alice).isEmpty)
        #expect(try await harness.verify().passed)
    }

    @Test("a message with no date in its header gets the pass time: copied once, and a later verify compares the date the ledger recorded")
    func undated() async throws {
        var script = ScriptedPOP3Server.Script()
        script.messages = [.init(StoreFixture.message(["Subject: undated", "Message-ID: <u@acme.test>"]), id: "undated")]
        let server = try await ScriptedPOP3Server.start(script)
        defer { Task { await server.stop() } }
        let harness = try EngineHarness(server: server)
        let before = Date()
        #expect(try await harness.apply().report.succeeded)
        let stored = try #require(harness.target.messages(in: "INBOX", of: alice).first?.internalDate?.instant)
        #expect(abs(stored.timeIntervalSince(before)) < 60)
        try await Task.sleep(nanoseconds: 1_100_000_000)
        let verification = try await harness.verify()
        #expect(verification.passed, "a later session's pass time is not the copied message's date: \(verification.mailboxes)")
        #expect(verification.deep, "a POP3 source is verified by the SHA-256 of every message")
        #expect(try await harness.apply().report.succeeded)
        #expect(harness.target.messages(in: "INBOX", of: alice).count == 1, "the ledger keeps it copied once")
    }
}
