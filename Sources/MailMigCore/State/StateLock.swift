/// An exclusive hold on a plan's state: one engine command at a time may change it.
///
/// The holder is recorded so that every refusal can name it. A lock must not outlive its process, so a
/// crash never leaves the state locked for good (`force-unlock` only clears a leftover record).
public protocol StateLock: AnyObject, Sendable {
    /// The holder's details.
    var info: LockInfo { get }

    /// Releases the lock and clears the holder record. Safe to call more than once.
    func release()
}
