import MailMigConcurrency
import Testing

@Suite("Byte budget shared by tasks")
struct ByteBudgetTests {
    @Test func aReservationKeepsOnlyWhatItHolds() {
        let budget = ByteBudget(bytes: 100)
        let reservation = budget.claimIfFree(80)
        reservation?.keep(30)
        #expect(reservation?.bytes == 30 && budget.available == 70)
        // A claim never grows.
        reservation?.keep(90)
        #expect(reservation?.bytes == 30 && budget.available == 70)
    }

    @Test func claimsAreGivenBackWhenReleased() {
        let budget = ByteBudget(bytes: 100)
        var first = budget.claimIfFree(60)
        #expect(first?.bytes == 60)
        #expect(budget.available == 40)
        #expect(budget.claimIfFree(50) == nil)
        first = nil
        #expect(budget.available == 100)
        let whole = budget.claimIfFree(100)
        #expect(whole != nil && budget.available == 0)
    }

    @Test func aClaimLargerThanTheBudgetWaitsForAllOfIt() async throws {
        let budget = ByteBudget(bytes: 10)
        var held = budget.claimIfFree(1)
        #expect(budget.claimIfFree(1_000) == nil)
        let waiter = Task { try await budget.claim(1_000).bytes }
        try await Task.sleep(for: .milliseconds(20))
        held = nil
        #expect(held == nil)
        #expect(try await waiter.value == 10)
    }

    @Test func waitersAreServedInOrderAndNotOvertaken() async throws {
        let budget = ByteBudget(bytes: 10)
        var held: ByteBudget.Claim? = budget.claimIfFree(8)
        let order = Order()
        let large = Task {
            let claim = try await budget.claim(6)
            await order.append("large")
            return claim
        }
        try await Task.sleep(for: .milliseconds(20))
        // 2 bytes are free, but the large waiter came first: a small claim does not overtake it.
        #expect(budget.claimIfFree(2) == nil)
        let small = Task {
            let claim = try await budget.claim(2)
            await order.append("small")
            return claim
        }
        try await Task.sleep(for: .milliseconds(20))
        #expect(await order.names.isEmpty)
        held = nil
        #expect(held == nil)
        _ = try await large.value
        _ = try await small.value
        #expect(await order.names == ["large", "small"])
    }

    @Test func aCancelledWaiterTakesNothingAndLetsTheNextOneIn() async throws {
        let budget = ByteBudget(bytes: 10)
        let held = budget.claimIfFree(5)
        let blocked = Task { try await budget.claim(10) }
        try await Task.sleep(for: .milliseconds(20))
        let next = Task { try await budget.claim(5) }
        try await Task.sleep(for: .milliseconds(20))
        blocked.cancel()
        await #expect(throws: CancellationError.self) { _ = try await blocked.value }
        let granted = try await next.value
        #expect(granted.bytes == 5 && held != nil)
        #expect(budget.available == 0)
    }

    @Test func manyTasksNeverHoldMoreThanTheBudget() async throws {
        let budget = ByteBudget(bytes: 1_000)
        let meter = Order()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for round in 0..<50 {
                        let bytes = 1 + (task * 37 + round * 11) % 400
                        let claim = try await budget.claim(bytes)
                        await meter.hold(claim.bytes)
                        await Task.yield()
                        await meter.hold(-claim.bytes)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await meter.peak <= 1_000)
        #expect(await meter.peak > 400)
        #expect(budget.available == 1_000)
    }
}

private actor Order {
    var names: [String] = []
    var holding = 0
    var peak = 0

    func append(_ name: String) { names.append(name) }

    func hold(_ bytes: Int) {
        holding += bytes
        peak = max(peak, holding)
    }
}
