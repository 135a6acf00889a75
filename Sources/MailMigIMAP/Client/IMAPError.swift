import Foundation

/// Everything that can go wrong talking to an IMAP server, each naming the server.
public enum IMAPError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// The server answered `NO`.
    case no(server: String, command: String, text: String, code: ResponseCode?)
    /// The server answered `BAD`.
    case bad(server: String, command: String, text: String, code: ResponseCode?)
    /// The connection was closed or failed; `detail` says how.
    case connectionLost(server: String, detail: String)
    /// No byte from the server within the read timeout while a command waited.
    case timeout(server: String, operation: String, seconds: Double)
    /// A command got no tagged completion by its deadline although the server kept talking; `reason`
    /// says what it sent instead.
    case noCompletion(server: String, command: String, seconds: Double, reason: String)
    /// The TLS handshake failed, e.g. an untrusted certificate.
    case tls(server: String, subject: String?, reason: String)
    /// The connection could not be opened.
    case connectFailed(server: String, detail: String)
    /// The server said something this client cannot accept.
    case protocolViolation(server: String, detail: String)
    /// A feature the operation needs is not offered by the server.
    case unsupported(server: String, capability: String, operation: String)
    /// The message contains NUL bytes and the server does not offer BINARY, so it cannot be appended unaltered.
    case appendRequiresBinary(server: String, mailbox: String, size: Int)
    /// The operation needs a selected mailbox.
    case noMailboxSelected(server: String, operation: String)
    /// The server sent `BYE` and closed the connection.
    case bye(server: String, text: String)
    /// A local file the connection needed failed (a spool file for a large message: `detail` names
    /// its directory); the connection is closed, and trying again would fail alike.
    case localStorage(server: String, detail: String)

    /// The server's label.
    public var server: String {
        switch self {
        case .no(let server, _, _, _), .bad(let server, _, _, _), .connectionLost(let server, _),
             .timeout(let server, _, _), .noCompletion(let server, _, _, _), .tls(let server, _, _), .connectFailed(let server, _),
             .protocolViolation(let server, _), .unsupported(let server, _, _),
             .appendRequiresBinary(let server, _, _), .noMailboxSelected(let server, _), .bye(let server, _),
             .localStorage(let server, _):
            return server
        }
    }

    /// The operation a `timeout` or `noCompletion` names when the greeting was awaited.
    public static let greeting = "the greeting"

    /// Whether nothing at all came after connecting: mostly `tls: starttls` or `none` on a port that
    /// expects TLS at once (993), where waiting again only waits again.
    public var isSilentGreeting: Bool {
        if case .timeout(_, Self.greeting, _) = self { return true }
        return false
    }

    /// The response code of a `NO` or `BAD`, e.g. `.tryCreate` or `.overQuota`.
    public var responseCode: ResponseCode? {
        switch self {
        case .no(_, _, _, let code), .bad(_, _, _, let code): return code
        default: return nil
        }
    }

    /// One sentence describing what happened.
    public var description: String {
        switch self {
        case .no(let server, let command, let text, let code):
            return "IMAP server \(server) refused \(command): \(text)\(code.map { " [\($0)]" } ?? "")"
        case .bad(let server, let command, let text, let code):
            return "IMAP server \(server) rejected \(command) as invalid: \(text)\(code.map { " [\($0)]" } ?? "")"
        case .connectionLost(let server, let detail):
            return "Connection to IMAP server \(server) was lost: \(detail)"
        case .timeout(let server, _, let seconds) where isSilentGreeting:
            return "IMAP server \(server) sent no greeting within \(Self.format(seconds)) seconds; a port that expects TLS at once (993) needs tls: implicit"
        case .timeout(let server, let operation, let seconds):
            return "IMAP server \(server) did not answer \(operation) within \(Self.format(seconds)) seconds"
        case .noCompletion(let server, let command, let seconds, let reason):
            return "IMAP server \(server): \(command) got no completion in \(Self.format(seconds)) s (\(reason))"
        case .tls(let server, let subject, let reason):
            let who = subject.map { " presenting certificate \"\($0)\"" } ?? ""
            return "TLS with IMAP server \(server)\(who) failed: \(reason)"
        case .connectFailed(let server, let detail):
            return "Cannot connect to IMAP server \(server): \(detail)"
        case .protocolViolation(let server, let detail):
            return "IMAP server \(server) sent an unexpected response: \(detail)"
        case .unsupported(let server, let capability, let operation):
            return "IMAP server \(server) does not offer \(capability), which \(operation) needs"
        case .appendRequiresBinary(let server, let mailbox, let size):
            return "A \(size)-byte message with NUL bytes cannot be appended to \(mailbox) on IMAP server \(server) because it does not offer BINARY"
        case .noMailboxSelected(let server, let operation):
            return "\(operation) on IMAP server \(server) needs a selected mailbox"
        case .bye(let server, let text):
            return "IMAP server \(server) closed the connection: \(text)"
        case .localStorage(let server, let detail):
            return "The connection to IMAP server \(server) was closed because this machine \(detail)"
        }
    }

    /// Same as `description`.
    public var errorDescription: String? { description }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
