import Foundation

/// The state failing under a running apply: once the journal cannot be written or the state's server
/// stops answering, every further step would fail the same way before it touched anything, so the
/// executor starts no new step and the report says why once, instead of once per mailbox.
///
/// Steps in flight finish (or fail) on their own; what they copied before the state went away is
/// settled by the next apply through the journal and the ledger.
public final class StateOutage: @unchecked Sendable {
    // `failure` is guarded by `lock`; set from any step's task, read by the executor's loop.
    private let lock = NSLock()
    private var failure: StateError?

    /// No outage yet.
    public init() {}

    /// Records `error` when it is the state's (the first one is kept).
    public func record(_ error: any Error) {
        guard let error = error as? StateError else { return }
        lock.withLock { if failure == nil { failure = error } }
    }

    /// Forgets the failure: the state answered again (a worker's heartbeat).
    public func clear() {
        lock.withLock { failure = nil }
    }

    /// The failure that stopped the apply, if any.
    public var current: StateError? { lock.withLock { failure } }
}
