import MailMigConcurrency
import Testing

@Suite("Bounded queue hand-off")
struct BoundedQueueTests {
    @Test func producerWaitsWhenFullAndEndsInOrder() async throws {
        let queue = BoundedQueue<Int>(capacity: 2)
        let producer = Task {
            for value in 0..<10 { await queue.send(value) }
            await queue.finish()
        }
        var received: [Int] = []
        while let value = try await queue.next() {
            received.append(value)
            await Task.yield()
        }
        await producer.value
        #expect(received == Array(0..<10))
    }

    @Test func finishWithErrorIsThrownAfterBufferedElements() async throws {
        struct Boom: Error {}
        let queue = BoundedQueue<Int>(capacity: 4)
        await queue.send(1)
        await queue.finish(throwing: Boom())
        #expect(try await queue.next() == 1)
        await #expect(throws: Boom.self) { try await queue.next() }
    }

    @Test func abandonedQueueReleasesTheProducer() async {
        let queue = BoundedQueue<Int>(capacity: 1)
        let producer = Task {
            for value in 0..<100 { await queue.send(value) }
            return true
        }
        await queue.abandon()
        #expect(await producer.value)
    }

    @Test func sendAfterAbandonIsRefusedAndSendAfterFinishToo() async {
        let queue = BoundedQueue<Int>(capacity: 2)
        #expect(await queue.send(1))
        await queue.abandon()
        #expect(await queue.send(2) == false)
        let finished = BoundedQueue<Int>(capacity: 2)
        await finished.finish()
        #expect(await finished.send(1) == false)
    }

    @Test func finishReleasesAProducerWaitingForRoom() async throws {
        let queue = BoundedQueue<Int>(capacity: 1)
        await queue.send(0)
        let producer = Task { await queue.send(1) }
        await Task.yield()
        await queue.finish()
        #expect(await producer.value == false, "the element that found no room is dropped, not queued after the end")
        #expect(try await queue.next() == 0)
        #expect(try await queue.next() == nil)
    }

    @Test func neverHoldsMoreThanItsCapacity() async throws {
        let queue = BoundedQueue<Int>(capacity: 3)
        let sent = Counter()
        let producer = Task {
            for value in 0..<50 {
                await queue.send(value)
                await sent.increment()
            }
            await queue.finish()
        }
        var received = 0
        while try await queue.next() != nil {
            received += 1
            // Sent so far minus taken so far is what the queue holds (plus the one being sent).
            #expect(await sent.value - received <= 3)
            try await Task.sleep(nanoseconds: 100_000)
        }
        await producer.value
        #expect(received == 50)
    }
}

/// Counts across tasks.
private actor Counter {
    var value = 0
    func increment() { value += 1 }
}
