import Foundation

/// Bounds the connections open to one server at a time, and adapts that bound to a server that
/// throttles: additive increase, multiplicative decrease (AIMD).
///
/// The plan's `connections:` is the ceiling. A throttling answer halves the window (at most once per
/// `decreaseHoldoff`, so a burst of refusals from sessions already open counts as one), and a pause the
/// server suggested (Exchange's `Suggested Backoff Time`) closes it to every new session until the pause
/// ends: the server asked the client, not one session, to wait. Every `recoverAfter` without
/// throttling, the window grows by one, back up to the ceiling. Sessions already open keep their slot;
/// the smaller window holds as they close.
public actor ConnectionLimiter {
    /// One change of the window, for the log and the tests.
    public struct WindowChange: Sendable, Equatable {
        /// Seconds since the limiter was made.
        public var at: Double
        /// The window before and after.
        public var from: Int, to: Int
        /// Whether throttling shrank it (else a clean interval grew it).
        public var throttled: Bool

        /// Creates a change.
        public init(at: Double, from: Int, to: Int, throttled: Bool) {
            self.at = at
            self.from = from
            self.to = to
            self.throttled = throttled
        }
    }

    /// What the limiter saw of the server, for the apply's summary.
    public struct Summary: Sendable, Equatable {
        /// Throttling answers reported.
        public var throttlings: Int
        /// Seconds during which the server was closed to new sessions by pauses it suggested (a union
        /// of pauses: overlapping ones count once).
        public var throttledSeconds: Double
        /// The smallest window reached, and the window now.
        public var lowestWindow: Int, window: Int
        /// The ceiling (`connections:`).
        public var ceiling: Int

        /// Creates a summary.
        public init(throttlings: Int, throttledSeconds: Double, lowestWindow: Int, window: Int, ceiling: Int) {
            self.throttlings = throttlings
            self.throttledSeconds = throttledSeconds
            self.lowestWindow = lowestWindow
            self.window = window
            self.ceiling = ceiling
        }
    }

    /// The plan's `connections:`.
    public let ceiling: Int
    /// Seconds without throttling after which the window grows by one.
    public let recoverAfter: Double
    /// Seconds after a decrease during which further throttling does not shrink the window again.
    public let decreaseHoldoff: Double
    /// Scales every pause the limiter imposes; tests set it near zero.
    public let pauseScale: Double
    private let onChange: @Sendable (WindowChange) -> Void
    private let started = ContinuousClock.now

    private var window: Int
    private var lowestWindow: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var lastThrottling: ContinuousClock.Instant?
    private var lastDecrease: ContinuousClock.Instant?
    private var lastIncrease: ContinuousClock.Instant?
    private var pausedUntil: ContinuousClock.Instant?
    private var throttlings = 0
    private var throttledSeconds = 0.0
    private var wakeScheduled = false
    private var changes: [WindowChange] = []

    /// A limiter for `limit` connections, adapting when told the server throttles.
    public init(limit: Int, recoverAfter: Double = 30, decreaseHoldoff: Double = 2, pauseScale: Double = 1,
                onChange: @escaping @Sendable (WindowChange) -> Void = { _ in }) {
        self.ceiling = max(1, limit)
        self.window = max(1, limit)
        self.lowestWindow = max(1, limit)
        self.recoverAfter = max(0.001, recoverAfter)
        self.decreaseHoldoff = decreaseHoldoff
        self.pauseScale = pauseScale
        self.onChange = onChange
    }

    /// Waits for a free connection slot, and for the end of a throttling pause.
    /// Returns the seconds it waited because of throttling (not for a slot held by another session).
    @discardableResult
    public func acquire() async -> Double {
        var throttledWait = 0.0
        while true {
            growIfClean()
            let now = ContinuousClock.now
            if let until = pausedUntil, until > now {
                let wait = until - now
                try? await Task.sleep(for: wait)
                throttledWait += Self.seconds(wait)
                continue
            }
            if inUse < window {
                inUse += 1
                return throttledWait
            }
            scheduleWake()
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// Frees a slot, handing it to the longest waiter when the window has room.
    public func release() {
        inUse = max(0, inUse - 1)
        growIfClean()
        wakeWaiters()
    }

    /// The server answered with throttling: halve the window (once per holdoff) and, when it suggested
    /// a pause, close the server to new sessions for that long (up to `MailStoreError.longestRetryPause`).
    public func throttled(suggestedPause: Double?) {
        let now = ContinuousClock.now
        throttlings += 1
        lastThrottling = now
        if lastDecrease.map({ Self.seconds(now - $0) >= decreaseHoldoff }) ?? true, window > 1 {
            let before = window
            window = max(1, window / 2)
            lowestWindow = min(lowestWindow, window)
            lastDecrease = now
            record(from: before, to: window, throttled: true, at: now)
        }
        guard let suggestedPause, suggestedPause > 0 else { return }
        let pause = min(MailStoreError.longestRetryPause, suggestedPause) * pauseScale
        let until = now + .milliseconds(Int64(pause * 1000))
        let from = max(pausedUntil ?? now, now)
        if until > from { throttledSeconds += Self.seconds(until - from) }
        pausedUntil = max(pausedUntil ?? until, until)
    }

    /// The window now.
    public var currentWindow: Int { window }

    /// Every change of the window so far (the last 1,000).
    public var trace: [WindowChange] { changes }

    /// What the limiter saw of the server.
    public var summary: Summary {
        Summary(throttlings: throttlings, throttledSeconds: throttledSeconds, lowestWindow: lowestWindow, window: window, ceiling: ceiling)
    }

    /// Grows the window by one for each clean interval since the last throttling or growth.
    private func growIfClean() {
        guard window < ceiling, let lastThrottling else { return }
        let now = ContinuousClock.now
        let since = max(lastThrottling, lastIncrease ?? lastThrottling, pausedUntil ?? lastThrottling)
        guard now > since, Self.seconds(now - since) >= recoverAfter else { return }
        let before = window
        window += 1
        lastIncrease = now
        record(from: before, to: window, throttled: false, at: now)
    }

    /// Resumes as many waiters as the window has room for; each takes its slot itself when it runs
    /// (after checking for a pause), and waits again if another session was quicker.
    private func wakeWaiters() {
        var room = window - inUse
        while room > 0, !waiters.isEmpty {
            waiters.removeFirst().resume()
            room -= 1
        }
    }

    /// Makes sure a waiter is woken when the window may grow, even if no session closes meanwhile.
    private func scheduleWake() {
        guard !wakeScheduled, window < ceiling else { return }
        wakeScheduled = true
        let delay = recoverAfter
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int64(delay * 1000) + 1))
            await self?.wake()
        }
    }

    private func wake() {
        wakeScheduled = false
        growIfClean()
        wakeWaiters()
        if !waiters.isEmpty { scheduleWake() }
    }

    private func record(from: Int, to: Int, throttled: Bool, at now: ContinuousClock.Instant) {
        let change = WindowChange(at: Self.seconds(now - started), from: from, to: to, throttled: throttled)
        changes.append(change)
        if changes.count > 1000 { changes.removeFirst(changes.count - 1000) }
        onChange(change)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension ConnectionLimiter {
    /// Holds one slot while a session `open` makes runs `body`; closes the session whatever `body`
    /// does. `throttledWait` learns the seconds spent waiting for a throttling pause to end.
    /// Errors of `open` and `body` pass through, to be named by the store. Runs on the caller's
    /// executor, not the limiter's: only taking and freeing the slot go through the actor.
    public nonisolated func withSession<Session: Sendable, T: Sendable>(
        open: () async throws -> Session,
        close: (Session) async -> Void,
        throttledWait: (Double) -> Void = { _ in },
        _ body: (Session) async throws -> T
    ) async throws -> T {
        let waited = await acquire()
        if waited > 0 { throttledWait(waited) }
        let session: Session
        do {
            session = try await open()
        } catch {
            await release()
            throw error
        }
        do {
            let result = try await body(session)
            await close(session)
            await release()
            return result
        } catch {
            await close(session)
            await release()
            throw error
        }
    }
}
