import MailMigConcurrency
import Testing

@Suite("Bounded task group")
struct BoundedConcurrencyTests {
    @Test("results keep the items' order, and no more than the limit run at once")
    func orderAndLimit() async throws {
        let gauge = Gauge()
        let results = try await BoundedConcurrency.map(Array(0..<40), limit: 4) { item in
            await gauge.enter()
            try await Task.sleep(nanoseconds: UInt64((40 - item) * 50_000))
            await gauge.leave()
            return item * 2
        }
        #expect(results == (0..<40).map { $0 * 2 })
        #expect(await gauge.peak <= 4)
        #expect(await gauge.peak >= 2, "items do run concurrently")
    }

    @Test("the first error is thrown")
    func firstError() async {
        struct Broken: Error {}
        await #expect(throws: Broken.self) {
            try await BoundedConcurrency.map(Array(0..<10), limit: 3) { item in
                if item == 5 { throw Broken() }
                return item
            }
        }
    }
}

/// How many tasks are inside at once, and the most ever.
private actor Gauge {
    var inside = 0
    var peak = 0
    func enter() {
        inside += 1
        peak = max(peak, inside)
    }
    func leave() { inside -= 1 }
}
