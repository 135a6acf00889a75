import Foundation

/// A worker's own view of its leases, checked before every chunk it appends, so that a worker that
/// could not renew them stops writing before another worker may take its steps over.
///
/// The database grants a lease until `renewal + lease` on its clock; the worker trusts it only until
/// `renewal + lease × 2/3` on its own monotonic clock, measured from before it asked. A process that was
/// frozen (a suspended machine, SIGSTOP) and resumes finds its leases stale at once.
public final class LeaseGuard: @unchecked Sendable {
    private let lock = NSLock()
    private var renewedAt: UInt64
    private let trusted: UInt64

    /// A guard for leases of `leaseSeconds`, counted as renewed now.
    public init(leaseSeconds: Int) {
        renewedAt = DispatchTime.now().uptimeNanoseconds
        trusted = UInt64(Double(max(1, leaseSeconds)) * 2 / 3 * 1_000_000_000)
    }

    /// The monotonic time a renewal is asked at; pass it to `renewed(askedAt:)` when it succeeds.
    public func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Records a successful renewal asked at `askedAt`.
    public func renewed(askedAt: UInt64) {
        lock.lock()
        renewedAt = max(renewedAt, askedAt)
        lock.unlock()
    }

    /// Seconds since the last renewal (or since the guard was made).
    public var secondsSinceRenewal: Double {
        lock.lock()
        defer { lock.unlock() }
        return Double(DispatchTime.now().uptimeNanoseconds - min(renewedAt, DispatchTime.now().uptimeNanoseconds)) / 1_000_000_000
    }

    /// Whether the leases can still be trusted.
    public var isValid: Bool {
        lock.lock()
        defer { lock.unlock() }
        return DispatchTime.now().uptimeNanoseconds < renewedAt + trusted
    }

    /// Throws when the leases can no longer be trusted.
    public func check(mailbox: String) throws {
        guard isValid else { throw LeaseLost(mailbox: mailbox) }
    }
}

/// A worker stopped a pass because it could not renew its lease in time: another worker may take the
/// step over, so this one must not append anything more.
public struct LeaseLost: Error, Sendable, CustomStringConvertible {
    /// The mailbox of the pass.
    public var mailbox: String

    /// One sentence.
    public var description: String {
        "\(mailbox): this worker could not renew its lease on the state in time, so it stopped the pass; another worker takes it over"
    }
}
