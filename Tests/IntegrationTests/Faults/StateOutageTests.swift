import Foundation
import MailMigCore
import Testing

/// The PostgreSQL state going away under a shared apply: the coordinator and its worker stop within a
/// bound, each with one sentence naming the state database (never as a mail server's failure), and
/// once the server is back a plain apply finishes the job with nothing lost or copied twice.
@Suite("State outage: the PostgreSQL state stopped under a shared apply", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct StateOutageTests {
    static let lease = 6

    /// Waits (up to 90 s) until `child` has recorded a chunk as pending in the schema's ledger.
    static func awaitPendingChunk(in schema: PostgresTestSchema, while child: Spawn.Child, by who: String) throws {
        let deadline = Date().addingTimeInterval(90)
        var pending = 0
        while pending == 0, Date() < deadline, child.isRunning {
            pending = Int((try? schema.psql("SELECT count(*) FROM \(schema.name).copy_pending")) ?? "") ?? 0
            if pending == 0 { usleep(100_000) }
        }
        try #require(pending > 0, "\(who) recorded no pending chunk:\n\(child.currentErrors())")
    }

    @Test("PostgreSQL stopped mid-chunk: apply and worker stop within a bound with a clear error; a re-run after it is back is exact")
    func postgresStopped() throws {
        let server = try PrivatePostgres()
        defer { server.remove() }
        let schema = PostgresTestSchema(url: server.url)
        let fixture = try SharedApplyTests.Fixture(tag: "sto", postgres: schema)
        defer { fixture.remove() }

        let lease = String(Self.lease)
        let apply = try fixture.start(["apply", "--auto-approve", "--workers", "0", "--lease", lease])
        // The worker holds its second chunk, recorded as pending, for 8 s: the state is stopped meanwhile,
        // so the chunk's APPEND reaches the target and its commit cannot.
        let worker = try fixture.start(["worker", "--lease", lease, "--parallelism", "1", "--wait", "60"], fault: "pause-after:mail-pending:2:8")
        try Self.awaitPendingChunk(in: schema, while: worker, by: "the worker")
        let stopped = Date()
        try server.stop()

        let applied = fixture.finish(apply, within: 180)
        let appliedAfter = Date().timeIntervalSince(stopped)
        let left = fixture.finish(worker, within: 180)
        let leftAfter = Date().timeIntervalSince(stopped)
        // A lease to notice, the worker's 8 s pause, connection attempts: well under a minute, never a hang.
        #expect(appliedAfter < 60, "the apply took \(appliedAfter) s to stop:\n\(applied.text)")
        #expect(leftAfter < 60, "the worker took \(leftAfter) s to stop:\n\(left.text)")

        #expect(applied.status == 1, "apply exited \(applied.status):\n\(applied.text)")
        #expect(applied.text.contains("state database postgres://") && applied.text.contains("is unreachable"), "\(applied.text)")
        #expect(applied.stdout.contains("started nothing more"), "\(applied.stdout)")
        #expect(applied.stdout.contains("stopped: the state failed"), "\(applied.stdout)")
        #expect(left.status == 1, "worker exited \(left.status):\n\(left.text)")
        #expect(left.stderr.contains("this worker stopped: the state database postgres://"), "\(left.stderr)")
        // A failure of the state is never put in a mail server's name.
        for line in (applied.text + left.text).split(separator: "\n") where line.contains("state database") {
            #expect(!line.contains("source server") && !line.contains("target server"), "a state failure named as a server's: \(line)")
        }

        try server.start()
        let rerun = try fixture.workspace.mailmig(["apply", "--auto-approve"])
        #expect(rerun.status == 0, "the apply after the outage exited \(rerun.status):\n\(rerun.stdout)\(rerun.stderr)")
        try fixture.checkExact("after the state outage")
    }

    @Test("PostgreSQL restarted under an apply: the plan lock is taken again, so a second apply meanwhile is refused; the first completes exactly")
    func lockTakenAgain() throws {
        let server = try PrivatePostgres()
        defer { server.remove() }
        let schema = PostgresTestSchema(url: server.url)
        let fixture = try SharedApplyTests.Fixture(tag: "stl", postgres: schema)
        defer { fixture.remove() }

        // The apply holds its second chunk, recorded as pending, for 30 s: the server restarts, and the
        // keeper takes the lock again, while it waits, even when a busy machine takes seconds to restart
        // PostgreSQL (the test is only meaningful while the apply still runs).
        let first = try fixture.start(["apply", "--auto-approve", "--parallelism", "1"], fault: "pause-after:mail-pending:2:30")
        try Self.awaitPendingChunk(in: schema, while: first, by: "the apply")
        try server.stop()
        try server.start()
        // The lock's keeper looks every 2 s: it holds the lock again within a few ticks, however busy
        // the machine, before any second apply is started.
        let deadline = Date().addingTimeInterval(20)
        var held = false
        while !held, Date() < deadline, first.isRunning {
            held = (try? schema.psql("SELECT count(*) FROM pg_locks WHERE \(schema.planLockCondition)")) == "1"
            if !held { usleep(200_000) }
        }
        let ended = first.isRunning ? "" : " (it ended before: the restart took longer than its pause)"
        try #require(held, "the apply did not take the plan lock again within 20 s of the restart\(ended):\n\(first.currentErrors())")
        let second = try fixture.workspace.mailmig(["apply", "--auto-approve"])
        #expect(second.status == 1, "a second apply ran beside the first:\n\(second.stdout)\(second.stderr)")
        #expect(second.stderr.contains("state is locked by apply"), "\(second.stderr)")

        let applied = fixture.finish(first, within: 180)
        #expect(applied.status == 0, "the first apply exited \(applied.status):\n\(applied.text)")
        try fixture.checkExact("after the restart")
    }

    @Test("PostgreSQL frozen longer than a lease under apply --workers 1: apply and its worker stop within a bound, no worker is left behind; after it thaws a re-run is exact")
    func postgresFrozen() throws {
        let server = try PrivatePostgres()
        defer { server.remove() }
        let schema = PostgresTestSchema(url: server.url)
        let fixture = try SharedApplyTests.Fixture(tag: "stf", postgres: schema)
        defer { fixture.remove() }

        // A 5 s deadline per statement and 3 s per connection attempt (the URL's answer_timeout and
        // connect_timeout), so the test need not wait the defaults' 60 s and 10 s.
        let stateURL = server.url + "?answer_timeout=5&connect_timeout=3"
        let lease = String(Self.lease)
        // The local worker (it inherits the fault) holds its second chunk, recorded as pending, for 8 s.
        let apply = try fixture.start(["apply", "--auto-approve", "--workers", "1", "--lease", lease, "--parallelism", "1"],
                                      fault: "pause-after:mail-pending:2:8", stateURL: stateURL)
        try Self.awaitPendingChunk(in: schema, while: apply, by: "the worker")
        let frozen = Date()
        try server.freeze()
        let applied = fixture.finish(apply, within: 240)
        let appliedAfter = Date().timeIntervalSince(frozen)
        try server.thaw()

        // Statements end after 5 s, connections after 3 s, leases after 6 s, the local worker is given a
        // lease to leave: well under a minute.
        #expect(appliedAfter < 60, "the apply took \(appliedAfter) s to stop under a frozen state:\n\(applied.text)")
        #expect(applied.status == 1, "apply exited \(applied.status):\n\(applied.text)")
        #expect(applied.text.contains("state database postgres://"), "\(applied.text)")
        let pids = applied.text.split(separator: "\n").first { $0.contains("Started 1 worker process (pid ") }
            .flatMap { $0.split(separator: "(pid ").last?.prefix { $0.isNumber } }.flatMap { Int32($0) }
        let workerPID = try #require(pids, "the apply named no worker pid:\n\(applied.text)")
        // The apply waits for its local workers (a lease at most) before it exits.
        #expect(kill(workerPID, 0) != 0, "worker \(workerPID) outlived its apply")
        if kill(workerPID, 0) == 0 { kill(workerPID, SIGKILL) }

        let rerun = try fixture.workspace.mailmig(["apply", "--auto-approve"])
        #expect(rerun.status == 0, "the apply after the freeze exited \(rerun.status):\n\(rerun.stdout)\(rerun.stderr)")
        try fixture.checkExact("after the freeze")
    }

    @Test("apply killed with SIGKILL while its worker copies, and a new apply --workers 2 started at once: nothing copied twice, the old worker joins the new apply")
    func applyReplacedUnderItsWorker() throws {
        let schema = try PostgresTestSchema()
        let fixture = try SharedApplyTests.Fixture(tag: "str", postgres: schema)
        defer { fixture.remove() }

        let lease = String(Self.lease)
        let first = try fixture.start(["apply", "--auto-approve", "--workers", "0", "--lease", lease])
        // The old worker holds its second chunk, recorded as pending, for 10 s: long enough for the
        // new apply to plan and start its own workers while it still holds its mailboxes.
        let old = try fixture.start(["worker", "--lease", lease, "--parallelism", "2", "--wait", "60"], fault: "pause-after:mail-pending:2:10")
        try Self.awaitPendingChunk(in: schema, while: old, by: "the worker")
        first.signal(SIGKILL)
        _ = first.wait()
        let second = try fixture.start(["apply", "--auto-approve", "--workers", "2", "--lease", lease])
        let applied = fixture.finish(second)
        let left = fixture.finish(old, within: 120)
        #expect(applied.status == 0, "the second apply exited \(applied.status):\n\(applied.text)")
        #expect(left.status == 0, "the old worker exited \(left.status):\n\(left.text)")
        #expect(left.stdout.contains("joining the newer apply"), "\(left.stdout)")
        try fixture.checkExact("apply replaced under its worker")
        let plan = try fixture.workspace.mailmig(["plan"])
        #expect(plan.stdout.contains("No changes."), "\(plan.stdout)")
    }
}
