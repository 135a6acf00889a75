import Synchronization

extension MailStore {
    /// Logs in to this store and to `other` for `mailbox` at the same time, runs `body` with both
    /// sessions, and logs out of both, whatever `body` does.
    ///
    /// Over a WAN a login is several round trips (connect, greeting, STARTTLS, the TLS handshake,
    /// CAPABILITY, LOGIN); one side's login no longer waits for the other's. When both logins fail,
    /// this store's error is the one thrown, as when they ran one after the other.
    public func withSessions<T: Sendable>(and other: any MailStore, for mailbox: MailboxMapping,
                                          _ body: (any MailStoreSession, any MailStoreSession) async throws -> T) async throws -> T {
        let handoff = SessionHandoff()
        let parked = Task {
            do {
                try await other.withSession(for: mailbox) { session in
                    await handoff.offer(session)
                }
            } catch {
                handoff.fail(error)
                throw error
            }
        }
        do {
            let result = try await withTaskCancellationHandler {
                try await withSession(for: mailbox) { mine in
                    try await body(mine, try await handoff.session())
                }
            } onCancel: {
                parked.cancel()
            }
            handoff.release()
            try await parked.value
            return result
        } catch {
            handoff.release()
            _ = try? await parked.value
            throw error
        }
    }
}

/// Hands the other side's session from the task that holds its login to the one that uses it, and
/// tells that task when the session may be logged out.
private final class SessionHandoff: Sendable {
    private enum Offer {
        case waiting
        case ready(any MailStoreSession)
        case failed(any Error)
        case released
    }

    private struct State {
        var offer = Offer.waiting
        var user: CheckedContinuation<any MailStoreSession, any Error>?
        var holder: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Hands `session` over and returns once it is no longer used.
    func offer(_ session: any MailStoreSession) async {
        await withCheckedContinuation { (holder: CheckedContinuation<Void, Never>) in
            let (user, released) = state.withLock { state -> (CheckedContinuation<any MailStoreSession, any Error>?, Bool) in
                if case .released = state.offer { return (nil, true) }
                state.offer = .ready(session)
                state.holder = holder
                defer { state.user = nil }
                return (state.user, false)
            }
            user?.resume(returning: session)
            if released { holder.resume() }
        }
    }

    /// The login failed: whoever waits for the session gets the error.
    func fail(_ error: any Error) {
        let user = state.withLock { state -> CheckedContinuation<any MailStoreSession, any Error>? in
            state.offer = .failed(error)
            defer { state.user = nil }
            return state.user
        }
        user?.resume(throwing: error)
    }

    /// The session, once the login succeeded; its error, if it failed.
    func session() async throws -> any MailStoreSession {
        try await withCheckedThrowingContinuation { (user: CheckedContinuation<any MailStoreSession, any Error>) in
            let offered = state.withLock { state -> Offer in
                if case .waiting = state.offer { state.user = user }
                return state.offer
            }
            switch offered {
            case .waiting: break
            case .ready(let session): user.resume(returning: session)
            case .failed(let error): user.resume(throwing: error)
            case .released: user.resume(throwing: CancellationError())
            }
        }
    }

    /// The session is no longer needed: its holder may log out (now, or as soon as it logs in).
    func release() {
        let holder = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.offer = .released
            defer { state.holder = nil }
            return state.holder
        }
        holder?.resume()
    }
}
