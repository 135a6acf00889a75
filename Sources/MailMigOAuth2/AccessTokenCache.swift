import Foundation

/// Access tokens kept in memory, one per key (one for an application token, one per mailbox for a
/// per-mailbox grant), replaced before they expire and on demand after a refused login.
///
/// Concurrent sessions that need the same token wait for one request instead of each asking the
/// endpoint. A request that failed (after the endpoint's own retries) is answered with the same
/// failure for `failureMemory` seconds, so that the mailboxes waiting for that token do not each spend
/// the whole retry budget on an endpoint that is down. Nothing is ever written anywhere: the cache
/// dies with the process.
public actor AccessTokenCache {
    /// Gets a new token for a key.
    public typealias Fetch = @Sendable (_ key: String) async throws -> AccessToken

    private let fetch: Fetch
    private let now: @Sendable () -> Date
    private var tokens: [String: AccessToken] = [:]
    private var pending: [String: Task<AccessToken, any Error>] = [:]
    private var failures: [String: (at: Date, error: any Error)] = [:]
    /// Seconds a failed request is remembered.
    public let failureMemory: TimeInterval
    /// Tokens fetched so far (for the log and the tests).
    public private(set) var fetches = 0

    /// A cache that asks `fetch` for the tokens it does not have.
    public init(now: @escaping @Sendable () -> Date = Date.init, failureMemory: TimeInterval = 30, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.now = now
        self.failureMemory = failureMemory
    }

    /// A token for `key` fresh enough to log in with; `renew` drops the one held (the server refused it).
    public func token(for key: String, renew: Bool = false) async throws -> String {
        if renew, pending[key] == nil { tokens[key] = nil }
        if let token = tokens[key], token.isFresh(at: now()) { return token.value }
        if let running = pending[key] { return try await running.value.value }
        if let failure = failures[key], now().timeIntervalSince(failure.at) < failureMemory { throw failure.error }
        let fetch = self.fetch
        let task = Task { try await fetch(key) }
        pending[key] = task
        defer { pending[key] = nil }
        do {
            let token = try await task.value
            fetches += 1
            tokens[key] = token
            failures[key] = nil
            return token.value
        } catch {
            failures[key] = (now(), error)
            throw error
        }
    }
}
