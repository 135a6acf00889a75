import Synchronization

/// The messages a stream has still to deliver, taken one at a time by its reader.
final class EntryCursor: Sendable {
    private let remaining: Mutex<ArraySlice<Maildrop.Entry>>

    init(_ entries: [Maildrop.Entry]) { remaining = Mutex(entries[...]) }

    /// The next message, or nil at the end.
    func next() -> Maildrop.Entry? {
        remaining.withLock { $0.popFirst() }
    }
}
