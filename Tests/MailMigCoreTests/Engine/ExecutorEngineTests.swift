import Foundation
import Testing
@testable import MailMigCore

/// Records step events and can cancel the run after a given number of finished steps.
final class RecordingObserver: ExecutionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var events: [String] = []
    private let cancelAfter: Int?
    private let flag: CancellationFlag?

    /// An observer that cancels `flag` once `cancelAfter` steps have finished.
    init(cancelAfter: Int? = nil, flag: CancellationFlag? = nil) {
        self.cancelAfter = cancelAfter
        self.flag = flag
    }

    /// `started ADDRESS` / `finished ADDRESS`, in order.
    var log: [String] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }

    func stepStarted(_ step: PlannedStep) {
        lock.lock()
        events.append("started \(step.address)")
        lock.unlock()
    }

    func stepFinished(_ step: PlannedStep, _ outcome: ApplyReport.Outcome) {
        lock.lock()
        events.append("finished \(step.address)")
        let finished = events.filter { $0.hasPrefix("finished") }.count
        lock.unlock()
        if let cancelAfter, finished >= cancelAfter { flag?.cancel() }
    }
}

/// The executor: journal, failures part-way, resuming, cancellation.
@Suite("Executor")
struct ExecutorEngineTests {
    typealias F = EngineFixtures

    @Test("a failure at step k: k-1 done, 1 failed, the rest not started; journal and state agree; a re-run finishes",
          arguments: 1...3)
    func failureAtStep(k: Int) async throws {
        let harness = try EngineHarness()
        await harness.zone.failAttempt(k)
        let engine = try harness.engine()
        let plan = try await engine.plan()
        #expect(plan.steps.count == 3)
        let report = await engine.apply(plan, parallelism: 4)

        #expect(report.done.map(\.step.id) == Array(plan.steps.prefix(k - 1).map(\.id)))
        #expect(report.failed.map(\.step.id) == [plan.steps[k - 1].id])
        #expect(report.notStarted.map(\.step.id) == Array(plan.steps.dropFirst(k).map(\.id)))
        #expect(report.summaryLine == "Applied \(k - 1)/3: ✓ \(k - 1) done, ✗ 1 failed, ○ \(3 - k) not started")
        #expect(!report.succeeded)
        guard case .failed(let message) = report.failed.first?.outcome else { Issue.record("no failure"); return }
        #expect(message == "DNS provider primary for \(plan.steps[k - 1].address.hasSuffix("TXT") ? "acme.test TXT" : plan.steps[k - 1].address.hasSuffix("MX") ? "acme.test MX" : "autodiscover.acme.test CNAME"): injected failure of write \(k)")

        let store = engine.store
        let journal = try store.journal(applyID: report.applyID)
        #expect(journal.map(\.status) == Array(repeating: StepStatus.done, count: k - 1) + [.failed])
        #expect(journal.last?.error == message)
        #expect(try store.pendingSteps().isEmpty)
        #expect(try store.applies().first?.status == "failed")
        #expect(try store.meta().serial == k - 1)
        // The state records exactly the steps done, with what the zone now holds.
        for (index, step) in plan.steps.enumerated() {
            guard let change = step.work.dnsChange else { continue }
            let recorded = try harness.recorded(change.key)
            if index < k - 1 {
                #expect(recorded?.applied == change.desired)
                #expect(await harness.zone.get(change.key) == change.desired)
            } else {
                #expect(recorded == nil)
                #expect(await harness.zone.get(change.key) == change.expected)
            }
        }

        let rerun = try await harness.apply()
        #expect(rerun.plan.steps.map(\.id) == Array(plan.steps.dropFirst(k - 1).map(\.id)))
        #expect(rerun.report.succeeded)
        #expect(try await harness.engine().plan() == .empty)
        for key in [F.txt, F.mx, F.cname] {
            #expect(await harness.zone.get(key)?.ttl == 300)
            let live = await harness.zone.get(key)
            #expect(try harness.recorded(key)?.applied == live)
        }
    }

    @Test("after a failure no new step starts, even one that does not depend on it")
    func failureStopsIndependentSteps() async throws {
        let harness = try EngineHarness()
        await harness.zone.failAttempt(1)
        let engine = try harness.engine()
        var plan = try await engine.plan()
        for index in plan.steps.indices { plan.steps[index].dependsOn = [] }
        let observer = RecordingObserver()
        let report = await engine.apply(plan, parallelism: 1, observer: observer)
        #expect(report.failed.count == 1)
        #expect(report.notStarted.count == 2)
        #expect(observer.log == ["started \(F.txt.address)", "finished \(F.txt.address)"])
    }

    @Test("cancellation lets the step in flight finish and starts nothing new")
    func cancellation() async throws {
        let harness = try EngineHarness()
        let engine = try harness.engine()
        let plan = try await engine.plan()
        let flag = CancellationFlag()
        let observer = RecordingObserver(cancelAfter: 1, flag: flag)
        let report = await engine.apply(plan, parallelism: 1, cancellation: flag, observer: observer)
        #expect(report.interrupted)
        #expect(report.done.map(\.step.address) == [F.txt.address])
        #expect(report.notStarted.map(\.step.address) == [F.mx.address, F.cname.address])
        #expect(report.failed.isEmpty)
        #expect(try engine.store.applies().first?.status == "interrupted")
        #expect(await harness.zone.get(F.mx) == F.originalRecords[F.mx])
        #expect(try await harness.apply().report.succeeded)
    }

    @Test("a change that only records drift does not write to DNS")
    func recordOnly() async throws {
        let harness = try EngineHarness()
        try await harness.apply()
        await harness.zone.set(F.mx, RRsetSnapshot(ttl: 300, values: ["20 mx2.oldmail.test."]))
        let before = await harness.zone.acceptedWrites
        #expect(try await harness.apply().report.succeeded)
        #expect(await harness.zone.acceptedWrites == before)
    }
}
