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

    /// The error of the first of up to three attempts in which the server's feed kept its pace (nil
    /// when the command completed); an attempt in which this machine held the feed back for longer
    /// than half the read timeout ended in a real silence and says nothing of chatter, so it is run again.
    static func firstConclusive(readTimeout: Double = 1,
                                _ attempt: () async throws -> (error: IMAPError?, feed: PacedFeed)) async throws -> IMAPError? {
        for _ in 1...3 {
            let (error, feed) = try await attempt()
            let silence = feed.longestSilence
            let ranOut = feed.ranOut
            await feed.stop()
            #expect(!ranOut, "it failed only after the server had stopped chattering")
            if case .timeout = error, silence > readTimeout / 2 { continue }
            return error
        }
        Issue.record("in three attempts this machine held the server's feed back for longer than half the read timeout")
        return nil
    }

    @Test("a server that answers a UID FETCH with `* OK still here` forever fails it within its deadline, naming server and command")
    func chatterDoesNotKeepAFetchAlive() async throws {
        let error = try await Self.firstConclusive {
            let server = try await ScriptedServer.start(greeting: Self.preauth, readTimeout: 1)
            await server.client.assumeInboxSelected()
            let stream = try await server.client.fetch(.range(1, 9))
            #expect(try await server.received() == "M1 UID FETCH 1:9 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])\r\n")
            let chatter = Self.chatter(server) { _ in "* OK still here" }
            do {
                for try await _ in stream {}
                return (nil, chatter)
            } catch let error as IMAPError {
                return (error, chatter)
            }
        }
        guard let error, case .noCompletion(let name, let command, _, _) = error else {
            Issue.record("wrong outcome \(String(describing: error))")
            return
        }
        #expect(name == "scripted")
        #expect(command == "UID FETCH 1:9")
        // The seconds are 1 unless this process itself stalled meanwhile (that time is excused).
        #expect(error.description.hasPrefix("IMAP server scripted: UID FETCH 1:9 got no completion in "))
        #expect(error.description.hasSuffix(" s (the server kept sending untagged responses only)"))
    }

    @Test("a NOOP answered by `* n EXISTS` forever fails too")
    func chatterDoesNotKeepANoopAlive() async throws {
        let error = try await Self.firstConclusive {
            let server = try await ScriptedServer.start(greeting: Self.preauth, readTimeout: 1)
            async let noop: Void = server.client.noop()
            #expect(try await server.received() == "M1 NOOP\r\n")
            let chatter = Self.chatter(server) { "* \($0) EXISTS" }
            do {
                try await noop
                return (nil, chatter)
            } catch let error as IMAPError {
                return (error, chatter)
            }
        }
        guard let error, case .noCompletion(_, "NOOP", _, _) = error else {
            Issue.record("wrong outcome \(String(describing: error))")
            return
        }
    }

    @Test("a server that sends `* n EXISTS` forever instead of its greeting is given up within the read timeout")
    func chatterInsteadOfAGreeting() async throws {
        let error = try await Self.firstConclusive {
            let started = StartedFeed()
            do {
                _ = try await ScriptedServer.start(instead: { channel in
                    started.keep(PacedFeed(channel, every: 0.1) { index in index < 100 ? Array("* \(index) EXISTS\r\n".utf8) : nil })
                }, readTimeout: 1)
                return (nil, started.feed)
            } catch let error as IMAPError {
                return (error, started.feed)
            }
        }
        guard let error, case .noCompletion(_, "the greeting", _, _) = error else {
            Issue.record("wrong outcome \(String(describing: error)): the client took the chatter for a greeting or failed otherwise")
            return
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

/// The feed a server was started with, kept for the test that could not get the server itself.
private final class StartedFeed: @unchecked Sendable {
    // Set once on the starting task before it is read there; the lock keeps the checker honest.
    private let lock = NSLock()
    private var kept: PacedFeed?

    func keep(_ feed: PacedFeed) -> PacedFeed {
        lock.withLock { kept = feed }
        return feed
    }

    var feed: PacedFeed { lock.withLock { kept! } }
}
