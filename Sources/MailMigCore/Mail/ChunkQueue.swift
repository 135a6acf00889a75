/// A bounded hand-over between the task reading the source and the task appending to the target.
///
/// The reader waits while `capacity` chunks are queued, so memory stays bounded by a few chunks while
/// fetching and appending overlap.
actor ChunkQueue<Element: Sendable> {
    private let capacity: Int
    private var items: [Element] = []
    private var finished = false
    private var failure: (any Error)?
    private var closed = false
    private var receiver: CheckedContinuation<Void, Never>?
    private var sender: CheckedContinuation<Void, Never>?

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Queues an element, waiting while the queue is full; `false` when the receiver has gone away.
    func send(_ element: Element) async -> Bool {
        while items.count >= capacity, !closed {
            await withCheckedContinuation { sender = $0 }
        }
        guard !closed else { return false }
        items.append(element)
        wakeReceiver()
        return true
    }

    /// Ends the stream, with the reader's error if it failed.
    func finish(throwing error: (any Error)? = nil) {
        finished = true
        failure = error
        wakeReceiver()
    }

    /// The next element; `nil` at the end; throws the reader's error.
    func next() async throws -> Element? {
        while items.isEmpty, !finished {
            await withCheckedContinuation { receiver = $0 }
        }
        if !items.isEmpty {
            let item = items.removeFirst()
            sender?.resume()
            sender = nil
            return item
        }
        if let failure { throw failure }
        return nil
    }

    /// The receiver stops: a waiting reader is released and further sends are refused.
    func close() {
        closed = true
        sender?.resume()
        sender = nil
    }

    private func wakeReceiver() {
        receiver?.resume()
        receiver = nil
    }
}
