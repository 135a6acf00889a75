import Foundation
import NIOCore
import Testing
@testable import MailMigIMAP
import IMAPTestSupport

/// A command must complete by its deadline: untagged chatter does not move it, message data does.
///
/// The server's side is fed from a thread of its own (`PacedFeed`) and no login or SELECT round trip
/// comes first, so that only the command under test is on the clock, whatever else the machine runs.
@Suite("Command deadlines")
struct CommandDeadlineTests {
    static let preauth = "* PREAUTH [CAPABILITY IMAP4rev1] ready"

    /// `line(n)` with CRLF every 0.1 s, for up to 30 s: far longer than any deadline here, so a command
    /// that fails while it runs failed by its deadline, and one that outlives it was kept alive by it.
    static func chatter(_ server: ScriptedServer, _ line: @escaping @Sendable (Int) -> String) -> PacedFeed {
        PacedFeed(server.channel, every: 0.1) { index in index < 300 ? Array((line(index) + "\r\n").utf8) : nil }
    }

    @Test("a server that answers a UID FETCH with `* OK still here` forever fails it within its deadline, naming server and command")
    func chatterDoesNotKeepAFetchAlive() async throws {
        let server = try await ScriptedServer.start(greeting: Self.preauth, readTimeout: 1)
        await server.client.assumeInboxSelected()
        let stream = try await server.client.fetch(.range(1, 9))
        #expect(try await server.received() == "M1 UID FETCH 1:9 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])\r\n")
        let chatter = Self.chatter(server) { _ in "* OK still here" }
        do {
            for try await _ in stream {}
            Issue.record("the fetch completed")
        } catch let error as IMAPError {
            guard case .noCompletion(let name, let command, _, _) = error else {
                Issue.record("wrong error \(error)")
                await chatter.stop()
                return
            }
            #expect(name == "scripted")
            #expect(command == "UID FETCH 1:9")
            // The seconds are 1 unless this process itself stalled meanwhile (that time is excused).
            #expect(error.description.hasPrefix("IMAP server scripted: UID FETCH 1:9 got no completion in "))
            #expect(error.description.hasSuffix(" s (the server kept sending untagged responses only)"))
        }
        #expect(!chatter.ranOut, "it failed while the server was still chattering")
        await chatter.stop()
    }

    @Test("a NOOP answered by `* n EXISTS` forever fails too")
    func chatterDoesNotKeepANoopAlive() async throws {
        let server = try await ScriptedServer.start(greeting: Self.preauth, readTimeout: 1)
        async let noop: Void = server.client.noop()
        #expect(try await server.received() == "M1 NOOP\r\n")
        let chatter = Self.chatter(server) { "* \($0) EXISTS" }
        do {
            try await noop
            Issue.record("the NOOP completed")
        } catch let error as IMAPError {
            guard case .noCompletion(_, "NOOP", _, _) = error else {
                Issue.record("wrong error \(error)")
                await chatter.stop()
                return
            }
        }
        #expect(!chatter.ranOut, "it failed while the server was still chattering")
        await chatter.stop()
    }

    @Test("a server that sends `* n EXISTS` forever instead of its greeting is given up within the read timeout")
    func chatterInsteadOfAGreeting() async throws {
        do {
            _ = try await ScriptedServer.start(instead: { channel in
                PacedFeed(channel, every: 0.1) { index in index < 100 ? Array("* \(index) EXISTS\r\n".utf8) : nil }
            }, readTimeout: 1)
            Issue.record("the client took the chatter for a greeting")
        } catch let error as IMAPError {
            guard case .noCompletion(_, "the greeting", _, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
    }

    @Test("message data arriving slowly but above the minimum rate keeps a FETCH alive past the read timeout")
    func slowMessageDataIsProgress() async throws {
        let server = try await ScriptedServer.start(greeting: Self.preauth, readTimeout: 1, minimumTransferRate: 500)
        await server.client.assumeInboxSelected()
        let stream = try await server.client.fetch(.range(1, 9))
        _ = try await server.received()
        // 3,000 bytes in 100-byte pieces, one every 0.1 s (1,000 bytes per second, twice the minimum): 3 s in all.
        let head = Array("* 1 FETCH (UID 3 FLAGS () INTERNALDATE \"01-Feb-2020 10:00:00 +0100\" RFC822.SIZE 3000 BODY[] {3000}\r\n".utf8)
        let feed = PacedFeed(server.channel, every: 0.1) { index in
            switch index {
            case 0: head
            case 1...30: [UInt8](repeating: UInt8(ascii: "x"), count: 100)
            case 31: Array(")\r\nM1 OK done\r\n".utf8)
            default: nil
            }
        }
        var bodies: [Int] = []
        for try await message in stream { bodies.append(message.body?.count ?? -1) }
        #expect(bodies == [3_000])
        await feed.stop()
    }
}
