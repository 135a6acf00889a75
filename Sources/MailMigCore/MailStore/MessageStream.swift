import Synchronization

/// Messages streamed from a store, one at a time, in order.
///
/// A value type over a `next` closure, so that every store can hand out its own reader without the
/// engine knowing its type; the store keeps the number of messages in flight bounded.
public struct MessageStream: AsyncSequence, Sendable {
    /// The element.
    public typealias Element = StoredMessage

    private let nextMessage: @Sendable () async throws -> StoredMessage?

    /// A stream whose messages come from `next` until it returns nil.
    public init(next: @escaping @Sendable () async throws -> StoredMessage?) {
        nextMessage = next
    }

    /// The reader.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let nextMessage: @Sendable () async throws -> StoredMessage?

        /// The next message, or nil at the end.
        public mutating func next() async throws -> StoredMessage? { try await nextMessage() }
    }

    /// A reader of the stream.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(nextMessage: nextMessage) }
}

extension MessageStream {
    /// The stream's messages that were asked for, each once: a server that answers a FETCH with a
    /// message nobody asked for, or with one twice, must not make the engine act on it.
    public func restricted(to keys: [MessageKey]) -> MessageStream {
        let gate = KeyGate(keys)
        let iterator = IteratorBox(makeAsyncIterator())
        return MessageStream {
            while let message = try await iterator.next() {
                if gate.admit(message.uid) { return message }
            }
            return nil
        }
    }
}

extension MessageStream {
    /// The stream's messages, each changed by `transform` as it is read.
    public func mapMessages(_ transform: @escaping @Sendable (StoredMessage) -> StoredMessage) -> MessageStream {
        let iterator = IteratorBox(makeAsyncIterator())
        return MessageStream { try await iterator.next().map(transform) }
    }
}

/// Which asked-for keys have not arrived yet.
private final class KeyGate: Sendable {
    private let remaining: Mutex<Set<MessageKey>>

    init(_ keys: [MessageKey]) { remaining = Mutex(Set(keys)) }

    /// True the first time an asked-for key arrives.
    func admit(_ key: MessageKey) -> Bool {
        remaining.withLock { $0.remove(key) != nil }
    }
}

/// The underlying reader, shared by the filtering closure; one consumer at a time.
private final class IteratorBox: @unchecked Sendable {
    // A stream has one reader, calling one `next` at a time, so the iterator needs no lock.
    private var iterator: MessageStream.AsyncIterator

    init(_ iterator: MessageStream.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> StoredMessage? { try await iterator.next() }
}
