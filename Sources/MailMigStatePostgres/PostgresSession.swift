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

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try connection.query(query, logger: Self.logger).wait()
    }

    /// Runs statements one after the other without waiting between them (PostgresNIO queues them on
    /// the connection); throws the first failure once all have finished.
    func run(_ queries: [PostgresQuery]) throws {
        guard queries.count > 1 else {
            if let query = queries.first { try self.query(query) }
            return
        }
        let futures = queries.map { connection.query($0, logger: Self.logger) }
        var failure: (any Error)?
        for future in futures {
            do { _ = try future.wait() } catch { if failure == nil { failure = error } }
        }
        if let failure { throw failure }
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
