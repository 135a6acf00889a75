import Foundation
import Logging
import MailMigCore
import NIOCore
import NIOPosix
import PostgresNIO

/// One plan's state on a server: the server and the schema its tables live in, and how to connect.
struct PostgresEndpoint: Sendable {
    /// The server, login and database.
    let server: PostgresServer
    /// The PostgreSQL schema holding this plan's tables.
    let schema: String

    /// How many times a connection is attempted when the server is unreachable, starting or full.
    static let connectAttempts = 3

    /// `postgres://host:port/database (schema name)`: what messages call this state; no login.
    var location: String { "postgres://\(server.address) (schema \(schema))" }

    /// The error for a failure talking to this state, in one sentence that names it.
    func failure(_ error: any Error) -> StateError {
        if let error = error as? StateError { return error }
        if PostgresFailure.isConnectionLost(error) {
            return .unreachable(path: location, reason: "lost the connection to the server: \(PostgresFailure.describe(error))")
        }
        return .unreadable(path: location, reason: PostgresFailure.describe(error))
    }

    /// Opens a connection whose unqualified table names are the schema's, trying again (up to
    /// `attempts` in all, 0.3 s then 0.6 s apart) while the server is unreachable, starting
    /// up or full; a refused login or a missing database fails at once.
    ///
    /// Blocks the calling thread until the connection is made: the work happens on NIO's event-loop
    /// threads, never on the thread that waits.
    func connect(attempts: Int = Self.connectAttempts) throws(StateError) -> PostgresSession {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let connection = try PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(),
                    configuration: server.configuration(schema: schema),
                    id: PostgresSession.nextID(),
                    logger: PostgresSession.logger
                ).wait()
                return PostgresSession(connection: connection, answerTimeout: Int64(server.answerTimeout))
            } catch {
                if attempt < attempts, PostgresFailure.isTransientConnectFailure(error) {
                    Thread.sleep(forTimeInterval: 0.3 * Double(attempt))
                    continue
                }
                if PostgresFailure.isTransientConnectFailure(error) {
                    throw .unreachable(path: location, reason: "cannot connect to the server: \(PostgresFailure.describe(error))")
                }
                if PostgresFailure.sqlState(error) == nil {
                    throw .unreadable(path: location, reason: "cannot reach the server: \(PostgresFailure.describe(error))")
                }
                throw .unreadable(path: location, reason: "cannot log in: \(PostgresFailure.describe(error))")
            }
        }
    }
}
