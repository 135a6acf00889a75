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
