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

    /// How long the server may leave a statement unanswered, in seconds, before the connection is
    /// given up (the URL's `answer_timeout`, 60 by default). The state's statements are short (a row
    /// lock waits only for another short transaction), so a silent server is a stopped or frozen
    /// server or a broken network, not a slow query; without a deadline a half-open TCP connection
    /// would block the caller for ever.
    let answerTimeout: Int64

    init(connection: PostgresConnection, answerTimeout: Int64) {
        self.connection = connection
        self.answerTimeout = answerTimeout
    }

    /// The logger handed to PostgresNIO: its own messages at notice and above only.
    static let logger: Logger = {
        var logger = Logger(label: "mailmig.state.postgres")
        logger.logLevel = .notice
        return logger
    }()

    /// An id for PostgresNIO's log metadata.
    static func nextID() -> Int { Int.random(in: 1...Int(Int32.max)) }

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try awaitAnswer(try send(query))
    }

    /// Runs statements one after the other without waiting between them (PostgresNIO queues them on
    /// the connection); throws the first failure once all have finished.
    func run(_ queries: [PostgresQuery]) throws {
        guard queries.count > 1 else {
            if let query = queries.first { try self.query(query) }
            return
        }
        let futures = try queries.map { try send($0) }
        let all = EventLoopFuture.whenAllComplete(futures, on: connection.eventLoop).flatMapThrowing { results in
            for result in results { _ = try result.get() }
        }
        try awaitAnswer(all)
    }

    /// Hands a statement to the connection. A closed connection is refused here: PostgresNIO drops a
    /// statement written to a closed channel without ever answering it.
    private func send(_ query: PostgresQuery) throws -> EventLoopFuture<PostgresQueryResult> {
        guard !connection.isClosed else {
            broken = true
            throw ChannelError.ioOnClosedChannel
        }
        return connection.query(query, logger: Self.logger)
    }

    /// Waits for `answer` at most `answerTimeout` seconds. The wait is on a promise of its own that the
    /// deadline fails, so it ends even when the connection never completes the answer; the
    /// connection is then closed and marked broken, and the caller gets `NoAnswer`.
    private func awaitAnswer<T: Sendable>(_ answer: EventLoopFuture<T>) throws -> T {
        let connection = self.connection
        do {
            return try Self.wait(for: answer, seconds: answerTimeout) {
                let _: EventLoopFuture<Void> = connection.close()
            }
        } catch let error as NoAnswer {
            broken = true
            throw error
        }
    }

    /// Waits for `future` on the calling thread for at most `seconds`; when the time is up first,
    /// runs `expired` on the event loop and throws `NoAnswer`.
    static func wait<T: Sendable>(for future: EventLoopFuture<T>, seconds: Int64, expired: @escaping @Sendable () -> Void) throws -> T {
        let loop = future.eventLoop
        let settled = loop.makePromise(of: T.self)
        future.cascade(to: settled)
        let deadline = loop.scheduleTask(in: .seconds(seconds)) {
            // Completing a completed promise does nothing: whichever comes first wins.
            settled.fail(NoAnswer(seconds: seconds))
            expired()
        }
        defer { deadline.cancel() }
        return try settled.futureResult.wait()
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

    /// How long closing may take, in seconds, before the caller stops waiting for it.
    static let closeTimeout: Int64 = 10

    /// Closes the connection, waiting (at most `closeTimeout`) for it to close except on an
    /// event-loop thread, where waiting would block the loop that does the closing. Safe to call more
    /// than once.
    func close() {
        broken = true
        let connection = self.connection
        let closing: EventLoopFuture<Void> = connection.close()
        if connection.eventLoop.inEventLoop {
            // PostgresNIO requires a connection to be closed before it is freed: keep it until then.
            closing.whenComplete { _ in _ = connection }
        } else {
            _ = try? Self.wait(for: closing, seconds: Self.closeTimeout) {
                closing.whenComplete { _ in _ = connection }
            }
        }
    }

    /// Whether the connection may be handed to the next caller.
    var isReusable: Bool { !broken && !connection.isClosed }
}

/// The server left a statement unanswered past the session's `answerTimeout`.
struct NoAnswer: Error, CustomStringConvertible {
    /// The deadline, in seconds.
    let seconds: Int64

    var description: String { "the server did not answer within \(seconds) s" }
}
