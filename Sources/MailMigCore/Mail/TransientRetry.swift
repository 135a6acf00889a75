import Foundation

/// Runs a mail operation again when it failed in a way a retry may fix (a dropped connection, a
/// timeout, `NO [UNAVAILABLE]`, a throttled request), with growing pauses; any other failure is thrown at once.
enum TransientRetry {
    /// Attempts in a row that make no progress, the first included, before the failure is thrown.
    static let attempts = 3
    /// The longest pause, in seconds, whatever a throttling server suggests.
    static let longestPause = MailStoreError.longestRetryPause
    /// The longest pause after a throttling answer that suggested none, in seconds.
    static let longestThrottlingPause = 30.0
    /// Scales every pause; tests set it near zero to run retries without waiting.
    @TaskLocal static var pauseScale = 1.0

    /// Runs `body` until it succeeds, fails in a way no retry fixes, or fails transiently `attempts`
    /// times in a row without progress. `progress` counts what the attempts achieved so far (messages
    /// recorded, say): an attempt that raised it starts the count of attempts again, so a server that
    /// drops the connection every few messages is followed to the end, while one that lets nothing
    /// through is given up on. Pauses 2 s, then 8 s, or the server's suggested pause (up to `longestPause`).
    ///
    /// Throttling answers do not count as attempts: a throttling server paces the work and never fails it
    /// on its own. Only one that throttles for `giveUpAfter(side)` seconds in a row without letting the work
    /// progress fails it. The pauses after throttling (the suggested one, else 1 s, 2 s, 4 s, … up to
    /// `longestThrottlingPause`) are added to `ThrottleMeter.current`.
    static func run<T: Sendable>(progress: () throws -> Int = { 0 }, giveUpAfter: (MailSide) -> Double = { _ in ThrottlingSettings.defaultGiveUpAfter },
                                 _ body: () async throws -> T) async throws -> T {
        // Failed attempts in a row since the last one that made progress (or since the start).
        var failures = 0
        var throttlings = 0
        var throttledSince: Date?
        var reached = try progress()
        while true {
            do {
                return try await body()
            } catch let error as MailError where error.isTransient {
                let now = try progress()
                let advanced = now > reached
                reached = max(reached, now)
                if error.isThrottled {
                    if advanced || throttledSince == nil { (throttledSince, throttlings) = (Date(), 0) }
                    throttlings += 1
                    let limit = giveUpAfter(error.side)
                    if let since = throttledSince, Date().timeIntervalSince(since) >= limit * pauseScale {
                        throw Self.throttledTooLong(error, seconds: limit)
                    }
                    let own = min(longestThrottlingPause, pow(2, Double(min(throttlings, 8) - 1)))
                    let seconds = min(longestPause, error.retryAfter ?? own) * pauseScale
                    try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                    ThrottleMeter.current?.add(seconds, side: error.side)
                    continue
                }
                failures = advanced ? 1 : failures + 1
                guard failures < attempts else { throw error }
                let seconds = pause(before: failures + 1, suggested: error.retryAfter) * pauseScale
                try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            }
        }
    }

    /// The pause in seconds before attempt `attempt` (2 or later): 2 s, 8 s, … or what the server
    /// suggested when that is longer, never more than `longestPause`.
    static func pause(before attempt: Int, suggested: Double?) -> Double {
        let own = Double((attempt - 1) * (attempt - 1)) * 2
        return min(longestPause, max(own, suggested ?? 0))
    }

    /// The failure of work a server throttled for `seconds` in a row without letting it progress.
    static func throttledTooLong(_ error: MailError, seconds: Double) -> MailError {
        var failure = error
        failure.kind = .failed
        failure.isThrottled = false
        failure.reason = "the server throttled this mailbox for \(ReportFormatting.duration(seconds)) in a row without letting it progress "
            + "(\(error.side.rawValue).throttling.give_up_after); what was copied stays recorded and the next apply resumes. "
            + "The last answer: \(error.reason)"
        return failure
    }
}
