import Foundation
@testable import MailMigCore
import Testing

/// The connection limiter's AIMD: throttling halves the window (once per holdoff) and closes the server
/// for the pause; each clean interval adds one connection back, up to the ceiling.
@Suite("Connection limiter: additive increase, multiplicative decrease")
struct ConnectionLimiterTests {
    @Test("a throttling answer halves the window; a burst within the holdoff counts once; the floor is one")
    func halves() async {
        let limiter = ConnectionLimiter(limit: 8, recoverAfter: 60, decreaseHoldoff: 0.05, pauseScale: 0)
        await limiter.throttled(suggestedPause: nil)
        #expect(await limiter.currentWindow == 4)
        await limiter.throttled(suggestedPause: nil)
        #expect(await limiter.currentWindow == 4, "a second refusal of the same burst halved again")
        for _ in 0..<4 {
            try? await Task.sleep(for: .milliseconds(60))
            await limiter.throttled(suggestedPause: nil)
        }
        #expect(await limiter.currentWindow == 1)
        let summary = await limiter.summary
        #expect(summary.throttlings == 6 && summary.lowestWindow == 1 && summary.ceiling == 8)
        #expect(await limiter.trace.map(\.to) == [4, 2, 1])
    }

    @Test("the window holds: sessions beyond it wait until one closes")
    func windowHolds() async throws {
        let limiter = ConnectionLimiter(limit: 4, recoverAfter: 60, pauseScale: 0)
        await limiter.throttled(suggestedPause: nil)
        #expect(await limiter.currentWindow == 2)
        await limiter.acquire()
        await limiter.acquire()
        let third = Task { await limiter.acquire(); return Date() }
        try await Task.sleep(for: .milliseconds(100))
        let released = Date()
        await limiter.release()
        let got = await third.value
        #expect(got >= released, "a third session opened while the window was 2")
    }

    @Test("each clean interval grows the window by one, back to the ceiling and no further")
    func recovers() async throws {
        let limiter = ConnectionLimiter(limit: 4, recoverAfter: 0.05, decreaseHoldoff: 0, pauseScale: 0)
        await limiter.throttled(suggestedPause: nil)
        await limiter.throttled(suggestedPause: nil)
        #expect(await limiter.currentWindow == 1)
        for _ in 0..<8 {
            try await Task.sleep(for: .milliseconds(70))
            await limiter.acquire()
            await limiter.release()
        }
        #expect(await limiter.currentWindow == 4)
        let growth = await limiter.trace.filter { !$0.throttled }.map(\.to)
        #expect(growth == [2, 3, 4])
    }

    @Test("a waiter is let in when the window grows, even if no session closes meanwhile")
    func growsWithoutReleases() async throws {
        let limiter = ConnectionLimiter(limit: 2, recoverAfter: 0.1, decreaseHoldoff: 0, pauseScale: 0)
        await limiter.throttled(suggestedPause: nil)
        await limiter.acquire()
        let second = Task { await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(400))
        #expect(await limiter.currentWindow == 2)
        _ = await second.value
    }

    @Test("the suggested pause closes the server to new sessions; the wait is reported as throttled time")
    func pauses() async {
        let limiter = ConnectionLimiter(limit: 2, recoverAfter: 60)
        await limiter.throttled(suggestedPause: 0.2)
        let started = ContinuousClock.now
        let waited = await limiter.acquire()
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(150))
        #expect(waited >= 0.15 && waited < 1)
        let summary = await limiter.summary
        #expect(summary.throttledSeconds >= 0.19 && summary.throttledSeconds < 0.3)
    }
}
