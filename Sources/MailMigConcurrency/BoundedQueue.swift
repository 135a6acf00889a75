/// A bounded hand-over from one producing task to one consuming task: the producer waits while
/// `capacity` elements are queued, so memory stays bounded however fast it produces.
///
/// It carries FETCH responses from an IMAP connection's reader to the message stream (a full queue
/// stops reading the socket, and TCP slows the server down), and chunks of messages from the
/// copier's source reader to its appender. Either side can end it: the producer with `finish`
/// (normally or with an error the consumer then throws), the consumer with `abandon` (what is queued
/// and what arrives later is dropped, and a waiting producer is released).
public actor BoundedQueue<Element: Sendable> {
    private let capacity: Int
    private var buffer: [Element] = []
    private var finished = false
    private var failure: (any Error)?
    private var abandoned = false
    private var waitingConsumer: CheckedContinuation<Void, Never>?
    private var waitingProducer: CheckedContinuation<Void, Never>?

    /// A queue holding at most `capacity` elements (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Queues an element, waiting while the queue is full; false (and the element dropped) when the
    /// consumer abandoned the queue or it was finished.
    @discardableResult
    public func send(_ element: Element) async -> Bool {
        while buffer.count >= capacity, !abandoned, !finished {
            await withCheckedContinuation { waitingProducer = $0 }
        }
        guard !abandoned, !finished else { return false }
        buffer.append(element)
        resume(&waitingConsumer)
        return true
    }

    /// Ends the sequence, normally or with `error`; later calls change nothing. A producer still
    /// waiting for room is released, so a connection that failed meanwhile never hangs.
    public func finish(throwing error: (any Error)? = nil) {
        guard !finished else { return }
        finished = true
        failure = error
        resume(&waitingProducer)
        resume(&waitingConsumer)
    }

    /// The consumer stops listening: what is queued is dropped, and so is everything sent later.
    public func abandon() {
        abandoned = true
        buffer.removeAll()
        resume(&waitingProducer)
    }

    /// The next element in order; nil at the end; throws the error the sequence was finished with
    /// once every element queued before it has been taken.
    public func next() async throws -> Element? {
        while buffer.isEmpty, !finished {
            await withCheckedContinuation { waitingConsumer = $0 }
        }
        if !buffer.isEmpty {
            let element = buffer.removeFirst()
            resume(&waitingProducer)
            return element
        }
        if let failure { throw failure }
        return nil
    }

    private func resume(_ continuation: inout CheckedContinuation<Void, Never>?) {
        continuation?.resume()
        continuation = nil
    }
}
