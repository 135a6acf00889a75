import Foundation
import Logging
import MailMigCore

#if canImport(Glibc)
import Glibc
#endif

/// The plan lock of a PostgreSQL state: a session advisory lock held on a connection of its own for
/// the lock's life, and a record of the holder in the schema, for messages.
///
/// PostgreSQL releases a session advisory lock when the session ends, so a process that dies (or is
/// killed) never leaves the state locked: its record stays behind until the next holder replaces it
/// or `force-unlock` clears it. A lost connection releases the lock too: a keeper checks the session
/// every `keeperInterval` seconds and, when it is gone (the server restarted, the network broke), takes
/// the lock again on a new session; if another process took it meanwhile, the lock is lost and the
/// `whenLost` handler says so, so the holder stops instead of working unlocked beside the other.
public final class PostgresStateLock: StateLock, @unchecked Sendable {
    // `session`, `lost` and `lossHandler` are guarded by `mutex`; the keeper and `release()` take it.
    private var session: PostgresSession?
    private var lost: String?
    private var lossHandler: (@Sendable (String) -> Void)?
    private let mutex = NSLock()
    private let endpoint: PostgresEndpoint
    private var schema: String { endpoint.schema }
    private var keeper: DispatchSourceTimer?
    /// The holder's details.
    public let info: LockInfo

    /// Seconds between two checks of the lock's session.
    static let keeperInterval = 2

    private init(session: PostgresSession, endpoint: PostgresEndpoint, info: LockInfo) {
        self.session = session
        self.endpoint = endpoint
        self.info = info
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "mailmig.state.lock-keeper"))
        timer.schedule(deadline: .now() + .seconds(Self.keeperInterval), repeating: .seconds(Self.keeperInterval))
        timer.setEventHandler { [weak self] in self?.keep() }
        keeper = timer
        timer.resume()
    }

    public func whenLost(_ handler: @escaping @Sendable (String) -> Void) {
        mutex.lock()
        let already = lost
        if already == nil { lossHandler = handler }
        mutex.unlock()
        if let already { handler(already) }
    }

    /// One check: the session answers, or the lock is taken again on a new one, or it is lost.
    private func keep() {
        mutex.lock()
        guard lost == nil, let current = session else {
            mutex.unlock()
            return
        }
        if current.isReusable, (try? current.query("SELECT 1")) != nil {
            mutex.unlock()
            return
        }
        current.close()
        // The server cannot be reached yet: try again at the next tick (the apply's own state calls
        // fail meanwhile and stop it if the outage lasts).
        guard let fresh = try? endpoint.connect() else {
            mutex.unlock()
            return
        }
        var reason: String?
        do {
            if try PostgresAdvisoryLock.tryLock(schema: schema, in: fresh) {
                try PostgresAdvisoryLock.write(info, in: fresh)
                session = fresh
                Self.logger.notice("the plan lock's session ended (the server restarted or the network broke); the lock was taken again",
                                   metadata: ["state": "\(endpoint.location)"])
            } else {
                let holder = (try? PostgresAdvisoryLock.record(schema: schema, in: fresh)) ?? nil
                fresh.close()
                reason = "the plan lock on \(endpoint.location) ended with its connection and was taken meanwhile by "
                    + "\(holder?.summary ?? "another process"); this run starts nothing more"
            }
        } catch {
            fresh.close()
            mutex.unlock()
            return
        }
        let handler = reason == nil ? nil : lossHandler
        if let reason { lost = reason }
        mutex.unlock()
        if let reason, let handler { handler(reason) }
    }

    static let logger = Logger(label: "mailmig.state")

    deinit { release() }

    /// Takes the lock, waiting up to `timeout` seconds (0: fail at once) for another holder to finish,
    /// then brings the schema up to date (creating it on first use) and records the holder.
    ///
    /// Throws `.locked` or `.lockTimeout` naming the holder, `.newerSchema` for a state of a newer
    /// build, and `.unreadable` when the server cannot be reached.
    static func acquire(at endpoint: PostgresEndpoint, operation: String, timeout: Int,
                        migrations: [PostgresMigration]) throws(StateError) -> PostgresStateLock {
        let session = try endpoint.connect()
        do {
            let deadline = Date().addingTimeInterval(TimeInterval(timeout))
            while try !PostgresAdvisoryLock.tryLock(schema: endpoint.schema, in: session) {
                if Date() >= deadline {
                    let holder = (try? PostgresAdvisoryLock.record(schema: endpoint.schema, in: session) ?? nil) ?? PostgresAdvisoryLock.unknownHolder
                    session.close()
                    throw timeout > 0 ? StateError.lockTimeout(holder, seconds: timeout) : StateError.locked(holder)
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
            // Under the lock: no other writer can be running while the schema changes.
            try PostgresSchema.migrate(schema: endpoint.schema, migrations: migrations, in: session)
            let info = LockInfo(id: UUID().uuidString.lowercased(), operation: operation, who: LockInfo.currentUserAndHost(), pid: getpid(), since: Date())
            try PostgresAdvisoryLock.write(info, in: session)
            return PostgresStateLock(session: session, endpoint: endpoint, info: info)
        } catch {
            // Ending the session releases the advisory lock if it was taken.
            session.close()
            throw endpoint.failure(error)
        }
    }

    /// The recorded holder if a session holds the lock now; nil when none does, or the server cannot be reached.
    static func holder(at endpoint: PostgresEndpoint) -> LockInfo? {
        guard let session = try? endpoint.connect() else { return nil }
        defer { session.close() }
        do {
            guard try PostgresAdvisoryLock.isHeld(schema: endpoint.schema, in: session) else { return nil }
            return try PostgresAdvisoryLock.record(schema: endpoint.schema, in: session) ?? PostgresAdvisoryLock.unknownHolder
        } catch {
            return nil
        }
    }

    /// `force-unlock`: clears the record with this id; refuses with `.lockHeld` while a live session
    /// holds the lock, and with `.lockMismatch` for another id or when there is no record.
    static func forceUnlock(at endpoint: PostgresEndpoint, id: String) throws(StateError) {
        let session = try endpoint.connect()
        defer { session.close() }
        do {
            let recorded = try PostgresAdvisoryLock.record(schema: endpoint.schema, in: session)
            guard let recorded, recorded.id == id else { throw StateError.lockMismatch(given: id, current: recorded?.id) }
            // Taking the lock, rather than only looking at pg_locks, keeps a new holder from starting
            // between the check and the delete.
            guard try PostgresAdvisoryLock.tryLock(schema: endpoint.schema, in: session) else { throw StateError.lockHeld(recorded) }
            try PostgresAdvisoryLock.clear(id: id, in: session)
            try PostgresAdvisoryLock.unlock(schema: endpoint.schema, in: session)
        } catch {
            throw endpoint.failure(error)
        }
    }

    /// Releases the lock and clears the holder record. Safe to call more than once.
    public func release() {
        mutex.lock()
        defer { mutex.unlock() }
        keeper?.cancel()
        keeper = nil
        guard let session else { return }
        self.session = nil
        // Waiting on an event-loop thread would deadlock it: there, closing the session is enough
        // (it releases the lock; the record stays for the next holder to replace).
        if !session.connection.eventLoop.inEventLoop, session.isReusable {
            try? PostgresAdvisoryLock.clear(id: info.id, in: session)
            try? PostgresAdvisoryLock.unlock(schema: schema, in: session)
        }
        session.close()
    }
}
