import Foundation
@testable import MailMigCore
import Testing

/// How the engine's retry treats throttling: it paces the work and never fails it on its own, unless the
/// server throttles for `give_up_after` in a row without letting anything through.
@Suite("Retry under throttling")
struct ThrottledRetryTests {
    static func throttled(_ side: MailSide = .target) -> MailError {
        var error = MailError(MailStoreError(.transient, "Request is throttled. Suggested Backoff Time: 10 milliseconds", retryAfter: 0.01, throttled: true),
                              side: side, server: "outlook.office365.com", mailbox: "alice@acme.test", folder: "INBOX")
        error.isThrottled = true
        return error
    }

    final class Counter: @unchecked Sendable {
        var value = 0
    }

    @Test("ten throttling answers in a row do not fail the work; their pauses are metered on the side that throttled")
    func throttlingIsNotAnAttempt() async throws {
        let calls = Counter()
        let meter = ThrottleMeter()
        let result = try await ThrottleMeter.$current.withValue(meter) {
            try await TransientRetry.run {
                calls.value += 1
                if calls.value <= 10 { throw Self.throttled() }
                return "done"
            }
        }
        #expect(result == "done" && calls.value == 11)
        #expect(meter.total(.target) > 0.099 && meter.total(.source) == 0)
    }

    @Test("a dropped connection still counts: three in a row without progress fail the work")
    func otherTransientFailuresCount() async {
        let calls = Counter()
        await #expect(throws: MailError.self) {
            try await TransientRetry.$pauseScale.withValue(0.0001) {
                try await TransientRetry.run {
                    calls.value += 1
                    throw MailError(side: .source, server: "imap.acme.test", mailbox: "alice@acme.test", kind: .transient, reason: "connection lost")
                }
            }
        }
        #expect(calls.value == 3)
    }

    @Test("throttled for give_up_after in a row without progress: the work fails with one sentence naming the setting")
    func givesUp() async throws {
        let calls = Counter()
        do {
            _ = try await TransientRetry.run(giveUpAfter: { _ in 0.2 }) {
                calls.value += 1
                if calls.value > 0 { throw Self.throttled(.source) }
                return 0
            }
            Issue.record("the retry never gave up")
        } catch let error as MailError {
            #expect(error.kind == .failed && !error.isThrottled)
            #expect(error.reason.contains("source.throttling.give_up_after"))
            #expect(error.reason.contains("Request is throttled"))
            // Under load a 10 ms pause can take far longer, so only "more than once" is certain.
            #expect(calls.value >= 2)
        }
    }

    @Test("progress between throttling answers starts the give-up clock again")
    func progressResetsTheClock() async throws {
        let calls = Counter()
        let progress = Counter()
        let result = try await TransientRetry.run(progress: { progress.value }, giveUpAfter: { _ in 0.15 }) {
            calls.value += 1
            if calls.value < 40 {
                progress.value += 1
                throw Self.throttled()
            }
            return calls.value
        }
        #expect(result == 40)
    }
}
