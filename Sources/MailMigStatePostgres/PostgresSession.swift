import Foundation
import Logging
import NIOCore
import PostgresNIO

/// One connection to the server, used synchronously by one thread at a time.
///
/// The state protocols are synchronous and are called from Swift concurrency tasks. Each statement
/// is sent with PostgresNIO's future-based API and waited for with `wait()`: the future completes on
/// an event-loop thread of NIO, so the waiting thread never needs another thread of the cooperative
/// pool to make progress.
final class PostgresSession: @unchecked Sendable {
    // `broken` is only touched by the one thread that has checked the session out.
    /// The connection.
    let connection: PostgresConnection
    /// Set when the connection can no longer be trusted (a failed ROLLBACK): it is closed, not reused.
    var broken = false

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The logger handed to PostgresNIO: its own messages at notice and above only.
    static let logger: Logger = {
        var logger = Logger(label: "mailmig.state.postgres")
        logger.logLevel = .notice
        return logger
    }()

    /// An id for PostgresNIO's log metadata.
    static func nextID() -> Int { Int.random(in: 1...Int(Int32.max)) }

    /// How long the server may leave a statement unanswered, in seconds, before the connection is
    /// given up. The state's statements are short (a row lock waits only for another short
    /// transaction), so a silent server is a stopped server or a broken network, not a slow query;
    /// without a deadline a half-open TCP connection would block the caller forever.
    static let answerTimeout: Int64 = 60

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        let answer = connection.query(query, logger: Self.logger)
        return try awaitAnswers { try answer.wait() }
    }

    /// Runs statements one after the other without waiting between them (PostgresNIO queues them on
    /// the connection); throws the first failure once all have finished.
    func run(_ queries: [PostgresQuery]) throws {
        guard queries.count > 1 else {
            if let query = queries.first { try self.query(query) }
            return
        }
        let futures = queries.map { connection.query($0, logger: Self.logger) }
        try awaitAnswers {
            var failure: (any Error)?
            for future in futures {
                do { _ = try future.wait() } catch { if failure == nil { failure = error } }
            }
            if let failure { throw failure }
        }
    }

    /// Runs `wait` (which waits for answers on this connection) under `answerTimeout`: when the
    /// deadline passes first, the connection is closed, which ends every wait on it, and the caller
    /// gets `NoAnswer`.
    private func awaitAnswers<T>(_ wait: () throws -> T) throws -> T {
        let expired = ExpiryFlag()
        let connection = self.connection
        let deadline = connection.eventLoop.scheduleTask(in: .seconds(Self.answerTimeout)) {
            expired.set()
            let _: EventLoopFuture<Void> = connection.close()
        }
        defer { deadline.cancel() }
        do {
            return try wait()
        } catch {
            if expired.isSet {
                broken = true
                throw NoAnswer(seconds: Self.answerTimeout)
            }
            throw error
        }
    }

    /// Ends an open transaction, keeping nothing of it; a connection where even that fails is marked
    /// broken and closed.
    func rollback() {
        do {
            try query("ROLLBACK")
        } catch {
            close()
        }
    }

    /// Closes the connection, waiting for it to close except on an event-loop thread (where waiting
    /// would block the loop that does the closing). Safe to call more than once.
    func close() {
        broken = true
        let connection = self.connection
        let closing: EventLoopFuture<Void> = connection.close()
        if connection.eventLoop.inEventLoop {
            // PostgresNIO requires a connection to be closed before it is freed: keep it until then.
            closing.whenComplete { _ in _ = connection }
        } else {
            try? closing.wait()
        }
    }

    /// Whether the connection may be handed to the next caller.
    var isReusable: Bool { !broken && !connection.isClosed }
}

/// The server left a statement unanswered past `PostgresSession.answerTimeout`.
struct NoAnswer: Error, CustomStringConvertible {
    /// The deadline, in seconds.
    let seconds: Int64

    var description: String { "the server did not answer within \(seconds) s" }
}

/// Set once, from an event-loop thread, read by the waiting thread.
private final class ExpiryFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
