import Synchronization
import Testing
@testable import MailMigCore
import TestSupport

/// Logging in to both sides of a mailbox at once.
@Suite("Both sides' sessions")
struct SessionPairTests {
    /// Logins in progress and sessions open, across both stores of a test.
    final class Gauge: Sendable {
        private let state = Mutex((loggingIn: 0, mostLoggingIn: 0, open: 0))
        func loginStarted() { state.withLock { $0.loggingIn += 1; $0.mostLoggingIn = max($0.mostLoggingIn, $0.loggingIn) } }
        func loginEnded(opened: Bool) { state.withLock { $0.loggingIn -= 1; if opened { $0.open += 1 } } }
        func closed() { state.withLock { $0.open -= 1 } }
        var mostLoggingIn: Int { state.withLock { $0.mostLoggingIn } }
        var open: Int { state.withLock { $0.open } }
    }

    /// A fake store whose login takes a while and is counted.
    struct SlowLogin: MailStore {
        let base: FakeMailStore
        let gauge: Gauge
        var side: MailSide { base.side }
        var server: String { base.server }

        func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any MailStoreSession) async throws -> T) async throws -> T {
            gauge.loginStarted()
            try? await Task.sleep(nanoseconds: 150_000_000)
            do {
                return try await base.withSession(for: mailbox) { session in
                    gauge.loginEnded(opened: true)
                    defer { gauge.closed() }
                    return try await body(session)
                }
            } catch {
                gauge.loginEnded(opened: false)
                throw error
            }
        }
    }

    let alice = "alice@acme.test"
    var mailbox: MailboxMapping {
        MailboxMapping(source: EmailAddress(alice)!, target: EmailAddress(alice)!, tags: [], location: SourceLocation(file: "t.yaml", line: 1, column: 1))
    }

    func stores(source: Bool = true, target: Bool = true) -> (SlowLogin, SlowLogin, Gauge) {
        let gauge = Gauge()
        let from = FakeMailStore(side: .source)
        let to = FakeMailStore(side: .target)
        if source { from.addMailbox(alice) }
        if target { to.addMailbox(alice) }
        return (SlowLogin(base: from, gauge: gauge), SlowLogin(base: to, gauge: gauge), gauge)
    }

    @Test("the two logins overlap; both sessions work in the body and are closed after it")
    func loginsOverlap() async throws {
        let (source, target, gauge) = stores()
        let folders = try await source.withSessions(and: target, for: mailbox) { src, dst in
            #expect(gauge.open == 2)
            return (try await src.folders(status: false).count, try await dst.folders(status: false).count)
        }
        #expect(folders.0 >= 1 && folders.1 >= 1)
        #expect(gauge.mostLoggingIn == 2, "the target's login did not wait for the source's")
        #expect(gauge.open == 0)
    }

    @Test("a refused target login is the error, and the source session is closed")
    func targetRefused() async throws {
        let (source, target, gauge) = stores(target: false)
        await #expect {
            try await source.withSessions(and: target, for: mailbox) { _, _ in Issue.record("the body ran") }
        } throws: { error in
            (error as? MailError)?.side == .target && (error as? MailError)?.kind == .loginRefused
        }
        #expect(gauge.open == 0)
    }

    @Test("a refused source login is the error, and the target session is closed once it is open")
    func sourceRefused() async throws {
        let (source, target, gauge) = stores(source: false)
        await #expect {
            try await source.withSessions(and: target, for: mailbox) { _, _ in Issue.record("the body ran") }
        } throws: { error in
            (error as? MailError)?.side == .source
        }
        #expect(gauge.open == 0)
    }

    @Test("when both logins are refused, the source's error is the one reported")
    func bothRefused() async throws {
        let (source, target, _) = stores(source: false, target: false)
        await #expect {
            try await source.withSessions(and: target, for: mailbox) { _, _ in }
        } throws: { error in
            (error as? MailError)?.side == .source
        }
    }

    @Test("an error in the body leaves through both sessions, which are closed")
    func bodyFails() async throws {
        struct Broken: Error {}
        let (source, target, gauge) = stores()
        await #expect(throws: MailError.self) {
            try await source.withSessions(and: target, for: mailbox) { _, _ in throw Broken() }
        }
        #expect(gauge.open == 0)
    }
}
