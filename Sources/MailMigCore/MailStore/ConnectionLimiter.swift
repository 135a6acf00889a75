/// Bounds the connections open to one server at a time (`connections:` in the plan).
public actor ConnectionLimiter {
    private let limit: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A limiter for `limit` connections.
    public init(limit: Int) { self.limit = max(1, limit) }

    /// Waits for a free connection slot.
    public func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a slot, handing it to the longest waiter.
    public func release() {
        if waiters.isEmpty {
            inUse = max(0, inUse - 1)
        } else {
            waiters.removeFirst().resume()
        }
    }
}

extension ConnectionLimiter {
    /// Holds one slot while a session `open` makes runs `body`; closes the session whatever `body`
    /// does. Errors of `open` and `body` pass through, to be named by the store. Runs on the caller's
    /// executor, not the limiter's: only taking and freeing the slot go through the actor.
    public nonisolated func withSession<Session: Sendable, T: Sendable>(
        open: () async throws -> Session,
        close: (Session) async -> Void,
        _ body: (Session) async throws -> T
    ) async throws -> T {
        await acquire()
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
