import Foundation
@testable import MailMigCore
import Testing

/// The state failing under an apply: its failures are never put in a mail server's name, and a shared
/// apply's coordinator stops waiting for outcomes a state that does not answer cannot give.
@Suite("State outage")
struct StateOutageTests {
    static let unreachable = StateError.unreachable(path: "postgres://db.acme.test:5432/mailmig (schema wave1)",
                                                    reason: "lost the connection to the server: connection refused")

    @Test("a state failure raised during a mail operation passes unchanged; a store's failure gets the operation's context")
    func wrapping() {
        let state = MailError.wrapping(Self.unreachable, side: .target, server: "imap.new.test", mailbox: "alice@acme.test", folder: "INBOX")
        #expect(state as? StateError == Self.unreachable)
        #expect("\(state)".hasPrefix("the state database postgres://db.acme.test:5432/mailmig (schema wave1) is unreachable"))
        let lease = MailError.wrapping(LeaseLost(mailbox: "alice@acme.test"), side: .source, server: "imap.old.test", mailbox: "alice@acme.test", folder: nil)
        #expect(lease is LeaseLost)
        let store = MailError.wrapping(MailStoreError(.transient, "connection reset"), side: .source, server: "imap.old.test",
                                       mailbox: "alice@acme.test", folder: "INBOX")
        #expect((store as? MailError)?.description == "source server imap.old.test, mailbox alice@acme.test, folder INBOX: connection reset")
        #expect((store as? MailError)?.isTransient == true)
    }

    @Test("an outage keeps its first failure and forgets it when cleared; only the state's failures count")
    func outage() {
        let outage = StateOutage()
        outage.record(MailStoreError(.failed, "NO over quota"))
        #expect(outage.current == nil)
        outage.record(Self.unreachable)
        outage.record(StateError.unreadable(path: "x", reason: "y"))
        #expect(outage.current == Self.unreachable)
        outage.clear()
        #expect(outage.current == nil)
    }

    @Test("a coordinator whose state stops answering ends the wait with the state's error after the lease time, and records the outage")
    func coordinatorStopsWaiting() async throws {
        let harness = try EngineHarness()
        let step = try #require(try await harness.engine().plan().steps.first)
        let queue = SilentQueue(offerFails: false)
        let remote = try RemoteSteps(queue: queue, applyID: "a1", planSHA256: "0", leaseSeconds: 1, pollInterval: .milliseconds(50))
        defer { remote.close() }
        let started = ContinuousClock.now
        let outcome = await remote.run(step)
        let waited = ContinuousClock.now - started
        guard case .failed(let message) = outcome else {
            Issue.record("the step did not fail: \(outcome)")
            return
        }
        #expect(message.hasPrefix("no outcome from the workers: the state database did not answer for 1 s"), "\(message)")
        // An upper bound for "it ends", not for speed: parallel suites can starve the cooperative pool for a while.
        #expect(waited >= .seconds(1) && waited < .seconds(90), "waited \(waited)")
        #expect(remote.outage.current == Self.unreachable)
    }

    @Test("a step the state cannot take fails at once, and the outage is recorded")
    func offerFails() async throws {
        let harness = try EngineHarness()
        let step = try #require(try await harness.engine().plan().steps.first)
        let remote = try RemoteSteps(queue: SilentQueue(offerFails: true), applyID: "a2", planSHA256: "0", leaseSeconds: 30)
        defer { remote.close() }
        let outcome = await remote.run(step)
        #expect(outcome == .failed("cannot offer the step to the workers: \(Self.unreachable)"))
        #expect(remote.outage.current == Self.unreachable)
    }
}

/// A shared-apply queue whose server went away after the queue was opened.
final class SilentQueue: SharedApplyQueue, @unchecked Sendable {
    let offerFails: Bool

    init(offerFails: Bool) { self.offerFails = offerFails }

    func openQueue(applyID: String, planSHA256: String, coordinator: WorkerIdentity) throws(StateError) {}
    func offer(applyID: String, stepID: String, step: Data) throws(StateError) {
        if offerFails { throw StateOutageTests.unreachable }
    }
    func claim(applyID: String, worker: WorkerIdentity, leaseSeconds: Int) throws(StateError) -> ClaimedStep? { throw StateOutageTests.unreachable }
    func renewLeases(applyID: String, worker: WorkerIdentity, leaseSeconds: Int) throws(StateError) -> Set<String> { throw StateOutageTests.unreachable }
    func settle(applyID: String, stepID: String, worker: String, outcome: QueuedOutcome) throws(StateError) -> Bool { throw StateOutageTests.unreachable }
    func settledSteps(applyID: String, stepIDs: [String]) throws(StateError) -> [String: QueuedOutcome] { throw StateOutageTests.unreachable }
    func openSharedApply() throws(StateError) -> SharedApply? { throw StateOutageTests.unreachable }
    func coordinatorHeartbeat(applyID: String) throws(StateError) { throw StateOutageTests.unreachable }
    func closeQueue(applyID: String) throws(StateError) { throw StateOutageTests.unreachable }
    func workers(applyID: String) throws(StateError) -> [WorkerRecord] { throw StateOutageTests.unreachable }
    func holder(of stepID: String, otherThan applyID: String) throws(StateError) -> StepHolder? { throw StateOutageTests.unreachable }
    func withdraw(applyID: String) throws(StateError) -> [String] { throw StateOutageTests.unreachable }
    func closeAbandonedApplies() throws(StateError) { throw StateOutageTests.unreachable }
    func wasAbandoned(applyID: String) throws(StateError) -> Bool { throw StateOutageTests.unreachable }
}
