import Foundation
import MailMigCore

/// A few connections to one state, shared by the threads of a process.
///
/// Concurrent mailbox copies call the store at the same time; with one connection their calls would
/// wait for each other. A caller takes an idle connection, opens a new one while fewer than
/// `capacity` are open, or waits for one to come back. Nothing waits on the cooperative pool: a
/// call holds its connection only while it runs synchronously to its end.
final class PostgresConnectionPool: @unchecked Sendable {
    // `idle`, `opened` and `closed` are guarded by `condition`.
    private let endpoint: PostgresEndpoint
    private let capacity: Int
    private let condition = NSCondition()
    private var idle: [PostgresSession] = []
    private var opened = 0
    private var closed = false
    /// The last failure to connect, while no connection has been made since.
    private var unreachable: (at: Date, error: StateError)?

    /// Seconds after a failed connection during which callers get its error at once instead of
    /// trying again: while the server is down, the calls an apply makes as it stops (the journal, the
    /// queue, the report) each fail in no time rather than after `connect_timeout` × attempts.
    static let unreachableGrace: TimeInterval = 5

    /// A pool of at most `capacity` connections, starting with `first` when one is already open.
    init(endpoint: PostgresEndpoint, capacity: Int = 4, first: PostgresSession? = nil) {
        self.endpoint = endpoint
        self.capacity = max(1, capacity)
        if let first {
            idle = [first]
            opened = 1
        }
    }

    deinit { close() }

    /// Runs `body` with a connection; `reused` tells whether it was open before (and so may have been
    /// broken since, unnoticed). A connection that failed or was lost is closed, not given back.
    func withSession<T>(_ body: (_ session: PostgresSession, _ reused: Bool) throws -> T) throws -> T {
        let (session, reused) = try checkOut()
        do {
            let result = try body(session, reused)
            checkIn(session, failed: false)
            return result
        } catch {
            checkIn(session, failed: PostgresFailure.isConnectionLost(error))
            throw error
        }
    }

    /// Closes every idle connection; connections in use close when they come back.
    func close() {
        condition.lock()
        closed = true
        condition.unlock()
        discardIdle()
    }

    /// Closes every idle connection and keeps the pool open: once one turns out closed by the server
    /// (a restart, a broken network), the others opened before the same outage are closed too.
    func discardIdle() {
        condition.lock()
        let sessions = idle
        idle = []
        opened -= sessions.count
        condition.broadcast()
        condition.unlock()
        sessions.forEach { $0.close() }
    }

    private func checkOut() throws(StateError) -> (PostgresSession, Bool) {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw .unreadable(path: endpoint.location, reason: "the store was closed")
            }
            if let session = idle.popLast() {
                if session.isReusable {
                    condition.unlock()
                    return (session, true)
                }
                opened -= 1
                session.close()
                continue
            }
            if opened < capacity {
                if let unreachable, Date().timeIntervalSince(unreachable.at) < Self.unreachableGrace {
                    condition.unlock()
                    throw unreachable.error
                }
                // While the server is known to be down, one attempt per call is enough.
                let attempts = unreachable == nil ? PostgresEndpoint.connectAttempts : 1
                opened += 1
                condition.unlock()
                do {
                    let session = try endpoint.connect(attempts: attempts)
                    condition.lock()
                    self.unreachable = nil
                    condition.unlock()
                    return (session, false)
                } catch {
                    condition.lock()
                    opened -= 1
                    if error.isUnreachable { self.unreachable = (Date(), error) }
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            condition.wait()
        }
    }

    private func checkIn(_ session: PostgresSession, failed: Bool) {
        condition.lock()
        let keep = !failed && !closed && session.isReusable
        if keep {
            idle.append(session)
        } else {
            opened -= 1
        }
        condition.signal()
        condition.unlock()
        if !keep { session.close() }
    }
}
