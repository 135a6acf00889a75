import Foundation
import NIOCore
import Testing
@testable import MailMigIMAP

/// A command must complete by its deadline: untagged chatter does not move it, message data does.
@Suite("Command deadlines")
struct CommandDeadlineTests {
    /// Sends an untagged line (`* OK still here` unless told) every 0.1 s until `done` or 5 s have passed.
    static func chatter(_ server: ScriptedServer, line: @escaping @Sendable (Int) -> String = { _ in "* OK still here" },
                        until done: Finished) -> Task<Void, Never> {
        Task {
            for count in 0..<50 {
                if await done.value { return }
                try? await server.send(line(count))
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
        }
    }

    @Test("a server that answers a UID FETCH with `* OK still here` forever fails it within its deadline, naming server and command")
    func chatterDoesNotKeepAFetchAlive() async throws {
        // One second, so that logging in and selecting never run out of time on a busy machine.
        let server = try await ScriptedServer.start(readTimeout: 1)
        try await server.login(capabilities: "IMAP4rev1")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.range(1, 9))
        _ = try await server.received()
        let finished = Finished()
        let talking = Self.chatter(server, until: finished)
        do {
            for try await _ in stream {}
            Issue.record("the fetch completed")
        } catch let error as IMAPError {
            guard case .noCompletion(let name, let command, _, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(name == "scripted")
            #expect(command == "UID FETCH 1:9")
            // The seconds are 1 unless this process itself stalled meanwhile (that time is excused).
            #expect(error.description.hasPrefix("IMAP server scripted: UID FETCH 1:9 got no completion in "))
            #expect(error.description.hasSuffix(" s (the server kept sending untagged responses only)"))
        }
        // It failed while the chatter went on: without the deadline only the read timeout, once the chatter stops, ends it.
        await finished.set()
        await talking.value
    }

    @Test("a NOOP answered by `* 3 EXISTS` forever fails too")
    func chatterDoesNotKeepANoopAlive() async throws {
        let server = try await ScriptedServer.start(readTimeout: 1)
        async let noop: Void = server.client.noop()
        _ = try await server.received()
        let finished = Finished()
        let talking = Self.chatter(server, line: { "* \($0) EXISTS" }, until: finished)
        do {
            try await noop
            Issue.record("the NOOP completed")
        } catch let error as IMAPError {
            guard case .noCompletion(_, "NOOP", _, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(error.description.contains("NOOP got no completion in "))
        }
        await finished.set()
        await talking.value
    }

    @Test("message data arriving slowly but above the minimum rate keeps a FETCH alive past the read timeout")
    func slowMessageDataIsProgress() async throws {
        let server = try await ScriptedServer.start(readTimeout: 1, minimumTransferRate: 500)
        try await server.login(capabilities: "IMAP4rev1")
        try await server.selectInbox(tag: "M2")
        let stream = try await server.client.fetch(.range(1, 9))
        _ = try await server.received()
        // 3,000 bytes in 100-byte pieces, one every 0.1 s (1,000 bytes per second, twice the minimum): 3 s in all.
        try await server.send(bytes: Array("* 1 FETCH (UID 3 FLAGS () INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" RFC822.SIZE 3000 BODY[] {3000}\r\n".utf8))
        for _ in 0..<30 {
            try await Task.sleep(nanoseconds: 100_000_000)
            try await server.send(bytes: [UInt8](repeating: UInt8(ascii: "x"), count: 100))
        }
        try await server.send(")", "M3 OK done")
        var bodies: [Int] = []
        for try await message in stream { bodies.append(message.body?.count ?? -1) }
        #expect(bodies == [3_000])
    }
}

/// A flag two tasks share.
actor Finished {
    private(set) var value = false
    func set() { value = true }
}
