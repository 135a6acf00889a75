/// A bounded hand-off between the connection's reader and one consumer of FETCH results.
///
/// When it is full, `send` suspends; the reader then stops pulling responses, NIO stops reading
/// from the socket and the server is held back by TCP flow control: memory stays bounded.
actor FetchQueue<Element: Sendable> {
    private let capacity: Int
    private var buffer: [Element] = []
    private var consumer: CheckedContinuation<Element?, any Error>?
    private var producer: CheckedContinuation<Void, Never>?
    private var finished = false
    private var failure: (any Error)?
    private var abandoned = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Hands one element over, waiting while the consumer is behind. Dropped if the consumer left.
    func send(_ element: Element) async {
        guard !abandoned, !finished else { return }
        if let waiting = consumer {
            consumer = nil
            waiting.resume(returning: element)
            return
        }
        buffer.append(element)
        while buffer.count >= capacity, !abandoned, !finished {
            await withCheckedContinuation { producer = $0 }
        }
    }

    /// Ends the sequence, with an error or normally.
    func finish(throwing error: (any Error)? = nil) {
        guard !finished else { return }
        finished = true
        failure = error
        // A producer still waiting for room (the connection failed meanwhile) must not hang.
        producer?.resume()
        producer = nil
        if let waiting = consumer {
            consumer = nil
            if buffer.isEmpty {
                if let error { waiting.resume(throwing: error) } else { waiting.resume(returning: nil) }
            }
        }
    }

    /// The consumer stopped listening: the remaining results are discarded as they arrive.
    func abandon() {
        abandoned = true
        buffer.removeAll()
        producer?.resume()
        producer = nil
    }

    /// The next element, nil at the end.
    func next() async throws -> Element? {
        if !buffer.isEmpty {
            let element = buffer.removeFirst()
            if let waiting = producer {
                producer = nil
                waiting.resume()
            }
            return element
        }
        if finished {
            if let failure { throw failure }
            return nil
        }
        return try await withCheckedThrowingContinuation { consumer = $0 }
    }
}
