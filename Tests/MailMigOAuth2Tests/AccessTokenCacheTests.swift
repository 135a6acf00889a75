import Foundation
@testable import MailMigOAuth2
import Testing

@Suite("Access token cache")
struct AccessTokenCacheTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Date(timeIntervalSince1970: 1_800_000_000)
        var now: Date { lock.withLock { value } }
        func advance(_ seconds: TimeInterval) { lock.withLock { value = value.addingTimeInterval(seconds) } }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    @Test("a token is reused until a fifth of its lifetime (at most a minute) before it expires, then replaced")
    func refreshBeforeExpiry() async throws {
        let clock = Clock()
        let counter = Counter()
        let cache = AccessTokenCache(now: { clock.now }) { key in
            AccessToken(value: "t\(counter.next())-\(key)", issuedAt: clock.now, expiresIn: 3600)
        }
        #expect(try await cache.token(for: "") == "t1-")
        clock.advance(3500)
        #expect(try await cache.token(for: "") == "t1-")
        clock.advance(41)  // 59 s left: inside the minute's margin
        #expect(try await cache.token(for: "") == "t2-")
        // A ten-second token is replaced in its last two seconds.
        let short = AccessTokenCache(now: { clock.now }) { _ in AccessToken(value: "s\(counter.next())", issuedAt: clock.now, expiresIn: 10) }
        let first = try await short.token(for: "")
        clock.advance(7.9)
        #expect(try await short.token(for: "") == first)
        clock.advance(0.2)
        #expect(try await short.token(for: "") != first)
    }

    @Test("renew replaces a token at once; keys are separate; a token without a lifetime lasts five minutes")
    func renewAndKeys() async throws {
        let clock = Clock()
        let counter = Counter()
        let cache = AccessTokenCache(now: { clock.now }) { key in AccessToken(value: "\(key)#\(counter.next())", issuedAt: clock.now, expiresIn: nil) }
        let alice = try await cache.token(for: "alice")
        let bob = try await cache.token(for: "bob")
        #expect(alice == "alice#1" && bob == "bob#2")
        #expect(try await cache.token(for: "alice", renew: true) == "alice#3")
        #expect(try await cache.token(for: "bob") == "bob#2")
        clock.advance(301)
        #expect(try await cache.token(for: "bob") == "bob#4")
        #expect(await cache.fetches == 4)
    }

    @Test("sessions asking at once share one request")
    func oneRequestForMany() async throws {
        let counter = Counter()
        let cache = AccessTokenCache { _ in
            try await Task.sleep(for: .milliseconds(100))
            return AccessToken(value: "shared\(counter.next())", expiresIn: 3600)
        }
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.token(for: "") } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(tokens) == ["shared1"])
        #expect(await cache.fetches == 1)
    }

    @Test("a failed request is remembered for failureMemory seconds (other keys and renewals ask), then asked again")
    func failureRemembered() async throws {
        let counter = Counter()
        let clock = Clock()
        let cache = AccessTokenCache(now: { clock.now }, failureMemory: 30) { key in
            if key == "", counter.next() == 1 { throw OAuth2Error(source: "https://t/token", reason: "HTTP 503", isTransient: true) }
            return AccessToken(value: "ok", issuedAt: clock.now, expiresIn: 600)
        }
        await #expect(throws: OAuth2Error.self) { try await cache.token(for: "") }
        // Within the memory: the same failure at once, without a request.
        clock.advance(10)
        await #expect(throws: OAuth2Error.self) { try await cache.token(for: "") }
        #expect(await cache.fetches == 0)
        #expect(try await cache.token(for: "bob") == "ok")
        clock.advance(25)
        #expect(try await cache.token(for: "") == "ok")
    }
}
