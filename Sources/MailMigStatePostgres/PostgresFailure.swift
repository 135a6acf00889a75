import Foundation
import MailMigCore
import NIOCore
import NIOPosix
import PostgresNIO

/// What went wrong talking to the server, in words, and whether trying again may help.
///
/// PostgresNIO's own descriptions hide everything on purpose; these keep what an operator needs (the
/// server's message and SQLSTATE, the socket error) and never the login.
enum PostgresFailure {
    /// SQLSTATEs of a transaction the server aborted to keep others consistent: running it again is safe.
    static let retryableStates: Set<String> = ["40001", "40P01"]
    /// SQLSTATEs of a server that cannot take the connection now but may shortly.
    static let busyStates: Set<String> = ["57P03", "53300"]

    /// The server's SQLSTATE, when the server answered with an error.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Whether the connection itself failed (closed, refused, timed out) rather than a statement.
    /// A server shutting down says so before it closes the connection (SQLSTATE 57P01 `admin_shutdown`,
    /// 57P02 `crash_shutdown`), and connection exceptions are class 08: those are lost connections too.
    static func isConnectionLost(_ error: any Error) -> Bool {
        if error is NoAnswer { return true }
        if let state = sqlState(error) { return state.hasPrefix("08") || state == "57P01" || state == "57P02" }
        guard let error = error as? PSQLError else { return error is ChannelError || error is IOError || error is NIOConnectionError }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return true
        default:
            return false
        }
    }

    /// Whether connecting again shortly may work: the server was unreachable, starting up or full,
    /// as opposed to a refused login or a missing database.
    static func isTransientConnectFailure(_ error: any Error) -> Bool {
        if let state = sqlState(error) { return busyStates.contains(state) }
        return isConnectionLost(error)
    }

    /// One line about the failure: the server's message and SQLSTATE, or what the socket reported.
    static func describe(_ error: any Error) -> String {
        if let error = error as? StateError { return error.description }
        if let error = error as? NoAnswer { return error.description }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let message = info[.message] ?? "an error"
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = info[.detail].map { "; \($0)" } ?? ""
                return "the server answered: \(message)\(detail)\(state)"
            }
            switch error.code {
            case .connectionError:
                return error.underlying.map(describeSocket) ?? "the connection failed"
            case .serverClosedConnection, .uncleanShutdown:
                return "the server closed the connection"
            case .clientClosedConnection:
                return "the connection was closed"
            case .sslUnsupported:
                return "the server does not offer TLS"
            case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
                return "the login failed: the server asks for an authentication this client cannot give (\(error.code))"
            default:
                return "the PostgreSQL client failed (\(error.code))"
            }
        }
        if let error = error as? PostgresDecodingError {
            return "a stored value cannot be read (column \(error.columnName), \(error.code))"
        }
        return describeSocket(error)
    }

    /// A socket-level error as the operating system words it ("connection refused").
    static func describeSocket(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return describeSocket(first.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "the host name \(error.host) cannot be resolved" }
            return "cannot connect"
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout(let amount): return "no connection within \(amount.nanoseconds / 1_000_000_000)s"
            case .ioOnClosedChannel, .alreadyClosed, .eof: return "the connection was closed"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
