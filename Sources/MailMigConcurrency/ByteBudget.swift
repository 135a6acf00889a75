import Synchronization

/// A number of bytes that several tasks share, so that what they hold together stays bounded: the
/// message bodies one mailbox's pass keeps in memory across all its lanes.
///
/// A task takes a `Claim` for the bytes it is about to hold (or a reservation it narrows with `keep`
/// once it knows) and keeps it as long as it holds them;
/// the bytes come free when the claim is released, which happens when the last reference to it goes
/// away. Tying the claim to the lifetime of what holds the bytes means no path (a chunk appended, a
/// chunk dropped with a failed connection, a queue abandoned) can keep the budget taken after the
/// bytes themselves are gone.
///
/// Waiters are served in order: a large claim at the head is not overtaken by smaller ones. A claim
/// larger than the whole budget is served once the budget is entirely free.
public final class ByteBudget: Sendable {
    /// Bytes held by one task until the claim is released.
    public final class Claim: Sendable {
        private let held: Mutex<Int>
        private let budget: ByteBudget

        fileprivate init(bytes: Int, budget: ByteBudget) {
            held = Mutex(bytes)
            self.budget = budget
        }

        /// The bytes held now (after clamping to the budget's capacity).
        public var bytes: Int { held.withLock { $0 } }

        /// Gives back what exceeds `bytes` (a reservation turned out larger than what it holds);
        /// a claim never grows.
        public func keep(_ bytes: Int) {
            let freed = held.withLock { held -> Int in
                let freed = max(0, held - max(0, bytes))
                held -= freed
                return freed
            }
            budget.release(freed)
        }

        deinit { budget.release(held.withLock { $0 }) }
    }

    private struct Waiter {
        let id: UInt64
        let bytes: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private enum Outcome { case served, cancelled, waiting }

    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    /// The bytes the budget holds in all.
    public let capacity: Int
    private let state: Mutex<State>

    /// A budget of `bytes` (at least 1).
    public init(bytes: Int) {
        capacity = max(1, bytes)
        state = Mutex(State(available: max(1, bytes)))
    }

    /// Bytes not claimed now.
    public var available: Int { state.withLock { $0.available } }

    /// Takes `bytes` if they are free now and nobody waits before; nil otherwise.
    public func claimIfFree(_ bytes: Int) -> Claim? {
        let wanted = clamped(bytes)
        let taken = state.withLock { state -> Bool in
            guard state.waiters.isEmpty, state.available >= wanted else { return false }
            state.available -= wanted
            return true
        }
        return taken ? Claim(bytes: wanted, budget: self) : nil
    }

    /// Takes `bytes`, waiting until they are free and every earlier waiter was served.
    /// Throws `CancellationError` when the waiting task is cancelled (nothing is then taken).
    public func claim(_ bytes: Int) async throws -> Claim {
        let wanted = clamped(bytes)
        if let now = claimIfFree(wanted) { return now }
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Decided under the lock, so that this and the cancellation handler never both resume.
                let outcome = state.withLock { state -> Outcome in
                    if Task.isCancelled { return .cancelled }
                    if state.waiters.isEmpty, state.available >= wanted {
                        state.available -= wanted
                        return .served
                    }
                    state.waiters.append(Waiter(id: id, bytes: wanted, continuation: continuation))
                    return .waiting
                }
                switch outcome {
                case .served: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
            // A waiter that left the head may have been all that held the next ones back.
            if waiter != nil { wakeWaiters() }
        }
        return Claim(bytes: wanted, budget: self)
    }

    private func clamped(_ bytes: Int) -> Int { min(max(0, bytes), capacity) }

    fileprivate func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { $0.available = min(capacity, $0.available + bytes) }
        wakeWaiters()
    }

    /// Serves the waiters at the head whose claims now fit; resumed outside the lock.
    private func wakeWaiters() {
        let served = state.withLock { state -> [Waiter] in
            var served: [Waiter] = []
            while let first = state.waiters.first, first.bytes <= state.available {
                state.available -= first.bytes
                served.append(state.waiters.removeFirst())
            }
            return served
        }
        for waiter in served { waiter.continuation.resume() }
    }
}
