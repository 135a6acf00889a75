import Foundation
import MailMigCore
import PostgresNIO

/// The queue of a shared apply in the plan's schema: steps claimed with `FOR UPDATE SKIP LOCKED`,
/// leases on the database's clock (`now()`), so the machines' clocks need not agree.
extension PostgresStateStore: SharedApplyQueue {
    public func openQueue(applyID: String, planSHA256: String, coordinator: WorkerIdentity) throws(StateError) {
        try write { session in
            try Self.closeOtherApplies(than: applyID, in: session)
            try session.query("""
                INSERT INTO shared_applies (apply_id, plan_sha256, coordinator) VALUES (\(applyID), \(planSHA256), \(coordinator.asCoordinator))
                """)
        }
    }

    public func wasAbandoned(applyID: String) throws(StateError) -> Bool {
        try read { session in
            try session.query("SELECT abandoned FROM shared_applies WHERE apply_id = \(applyID)").first.map { try $0.decode(Bool.self) } ?? false
        }
    }

    public func closeAbandonedApplies() throws(StateError) {
        try write { session in try Self.closeOtherApplies(than: "", in: session) }
    }

    /// Closes every open shared apply but `applyID` (one apply at a time: the plan lock makes an older
    /// one a leftover of a dead coordinator) and forgets the queued steps of closed applies, except
    /// those a worker still holds under a live lease: it is still copying that mailbox, and its row
    /// keeps the step from being claimed again until it settles it or its lease runs out.
    static func closeOtherApplies(than applyID: String, in session: PostgresSession) throws {
        try session.query("UPDATE shared_applies SET closed_at = now(), abandoned = true WHERE closed_at IS NULL AND apply_id <> \(applyID)")
        try session.query("""
            DELETE FROM apply_queue q USING shared_applies s
            WHERE q.apply_id = s.apply_id AND s.closed_at IS NOT NULL AND s.apply_id <> \(applyID)
              AND NOT (q.status = 'claimed' AND q.lease_until >= now())
            """)
    }

    public func offer(applyID: String, stepID: String, step: Data) throws(StateError) {
        try write { session in
            try session.query("""
                INSERT INTO apply_queue (apply_id, step_id, step, status) VALUES (\(applyID), \(stepID), \(step), 'offered')
                ON CONFLICT (apply_id, step_id) DO UPDATE
                SET status = 'offered', step = excluded.step, worker = NULL, lease_until = NULL, outcome = NULL
                """)
        }
    }

    public func claim(applyID: String, worker: WorkerIdentity, leaseSeconds: Int) throws(StateError) -> ClaimedStep? {
        try write { session in
            try Self.sawWorker(worker, applyID: applyID, in: session)
            let rows = try session.query("""
                UPDATE apply_queue AS q
                SET status = 'claimed', worker = \(worker.id), lease_until = now() + make_interval(secs => \(Double(leaseSeconds))),
                    attempts = q.attempts + 1
                FROM (SELECT step_id FROM apply_queue
                      WHERE apply_id = \(applyID) AND (status = 'offered' OR (status = 'claimed' AND lease_until < now()))
                        AND EXISTS (SELECT 1 FROM shared_applies WHERE apply_id = \(applyID) AND closed_at IS NULL)
                        AND NOT EXISTS (SELECT 1 FROM apply_queue AS held
                                        WHERE held.step_id = apply_queue.step_id AND held.apply_id <> \(applyID)
                                          AND held.status = 'claimed' AND held.lease_until >= now())
                      ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) AS free
                WHERE q.apply_id = \(applyID) AND q.step_id = free.step_id
                RETURNING q.step_id, q.step, q.attempts
                """)
            return try rows.first.map { row in
                let (stepID, step, attempts) = try row.decode((String, Data, Int32).self)
                return ClaimedStep(stepID: stepID, step: step, attempt: Int(attempts))
            }
        }
    }

    public func renewLeases(applyID: String, worker: WorkerIdentity, leaseSeconds: Int) throws(StateError) -> Set<String> {
        try write { session in
            try Self.sawWorker(worker, applyID: applyID, in: session)
            let rows = try session.query("""
                UPDATE apply_queue SET lease_until = now() + make_interval(secs => \(Double(leaseSeconds)))
                WHERE apply_id = \(applyID) AND worker = \(worker.id) AND status = 'claimed'
                RETURNING step_id
                """)
            return Set(try rows.map { try $0.decode(String.self) })
        }
    }

    public func settle(applyID: String, stepID: String, worker: String, outcome: QueuedOutcome) throws(StateError) -> Bool {
        let text: String
        do {
            text = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        } catch {
            throw .unreadable(path: endpoint.location, reason: "cannot encode a step's outcome: \(error)")
        }
        return try write { session in
            let rows = try session.query("""
                UPDATE apply_queue SET status = 'settled', outcome = \(text), lease_until = NULL
                WHERE apply_id = \(applyID) AND step_id = \(stepID) AND worker = \(worker) AND status = 'claimed'
                RETURNING step_id
                """)
            guard rows.first != nil else { return false }
            try session.query("UPDATE apply_workers SET settled = settled + 1 WHERE apply_id = \(applyID) AND worker = \(worker)")
            return true
        }
    }

    public func settledSteps(applyID: String, stepIDs: [String]) throws(StateError) -> [String: QueuedOutcome] {
        try read { session in
            let rows = try session.query("""
                SELECT step_id, outcome FROM apply_queue
                WHERE apply_id = \(applyID) AND status = 'settled' AND step_id = ANY(\(stepIDs))
                """)
            var outcomes: [String: QueuedOutcome] = [:]
            for row in rows {
                let (stepID, text) = try row.decode((String, String).self)
                outcomes[stepID] = try JSONDecoder().decode(QueuedOutcome.self, from: Data(text.utf8))
            }
            return outcomes
        }
    }

    public func openSharedApply() throws(StateError) -> SharedApply? {
        try read { session in
            try session.query("""
                SELECT apply_id, plan_sha256, coordinator, EXTRACT(EPOCH FROM now() - heartbeat_at)::float8
                FROM shared_applies WHERE closed_at IS NULL ORDER BY opened_at DESC LIMIT 1
                """).first.map { row in
                let (applyID, digest, coordinator, silence) = try row.decode((String, String, String, Double).self)
                return SharedApply(applyID: applyID, planSHA256: digest, coordinator: coordinator, coordinatorSilence: silence)
            }
        }
    }

    public func coordinatorHeartbeat(applyID: String) throws(StateError) {
        try write { session in
            try session.query("UPDATE shared_applies SET heartbeat_at = now() WHERE apply_id = \(applyID)")
        }
    }

    public func withdraw(applyID: String) throws(StateError) -> [String] {
        try write { session in
            try session.query("DELETE FROM apply_queue WHERE apply_id = \(applyID) AND status = 'offered' RETURNING step_id")
                .map { try $0.decode(String.self) }
        }
    }

    public func closeQueue(applyID: String) throws(StateError) {
        try write { session in
            // The journal keeps what happened; the queue's copies of the steps are not needed any more,
            // except those a worker still holds (the coordinator gave up waiting for it).
            try session.query("UPDATE shared_applies SET closed_at = now() WHERE apply_id = \(applyID)")
            try session.query("""
                DELETE FROM apply_queue WHERE apply_id = \(applyID) AND NOT (status = 'claimed' AND lease_until >= now())
                """)
        }
    }

    public func holder(of stepID: String, otherThan applyID: String) throws(StateError) -> StepHolder? {
        try read { session in
            try session.query("""
                SELECT q.worker, coalesce(w.host, ''), coalesce(w.pid, 0), EXTRACT(EPOCH FROM q.lease_until - now())::float8
                FROM apply_queue q LEFT JOIN apply_workers w ON w.apply_id = q.apply_id AND w.worker = q.worker
                WHERE q.step_id = \(stepID) AND q.apply_id <> \(applyID) AND q.status = 'claimed' AND q.lease_until >= now()
                ORDER BY q.lease_until DESC LIMIT 1
                """).first.map { row in
                let (id, host, pid, left) = try row.decode((String, String, Int32, Double).self)
                return StepHolder(worker: WorkerIdentity(id: id, host: host, pid: pid), leaseLeft: left)
            }
        }
    }

    public func workers(applyID: String) throws(StateError) -> [WorkerRecord] {
        try read { session in
            try session.query("""
                SELECT worker, host, pid, EXTRACT(EPOCH FROM now() - seen_at)::float8, settled FROM apply_workers
                WHERE apply_id = \(applyID) ORDER BY worker
                """).map { row in
                let (id, host, pid, silence, settled) = try row.decode((String, String, Int32, Double, Int32).self)
                return WorkerRecord(worker: WorkerIdentity(id: id, host: host, pid: pid), silence: silence, settled: Int(settled))
            }
        }
    }

    /// Records that a worker is alive (inside the caller's transaction).
    static func sawWorker(_ worker: WorkerIdentity, applyID: String, in session: PostgresSession) throws {
        try session.query("""
            INSERT INTO apply_workers (apply_id, worker, host, pid, seen_at) VALUES (\(applyID), \(worker.id), \(worker.host), \(worker.pid), now())
            ON CONFLICT (apply_id, worker) DO UPDATE SET seen_at = now()
            """)
    }
}
