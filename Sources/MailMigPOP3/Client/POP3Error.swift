import Foundation

/// Everything that can go wrong talking to a POP3 server, each naming the server and the command.
///
/// Errors never contain a command's arguments: a `PASS` or `AUTH` line carries a secret.
public enum POP3Error: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// What a caller can do about an error.
    public enum Kind: Sendable, Equatable {
        /// Worth trying again later: the connection failed, the mailbox is in use, the server is
        /// busy (`[IN-USE]`, `[LOGIN-DELAY]`, `[SYS/TEMP]`), or it did not answer in time.
        case transient
        /// The server refused the credentials (`[AUTH]`, or a plain `-ERR` to a login command).
        case loginRefused
        /// Trying again will not help: `[SYS/PERM]`, any other `-ERR`, TLS, limits, broken answers.
        case permanent
    }

    /// The server answered `-ERR`.
    case err(server: String, command: String, code: POP3ResponseCode?, text: String)
    /// The connection could not be opened.
    case connectFailed(server: String, detail: String)
    /// The TLS handshake failed, e.g. an untrusted certificate.
    case tls(server: String, subject: String?, reason: String)
    /// STLS was required but the server does not offer it or refused it (RFC 2595 §4).
    case startTLSUnavailable(server: String, detail: String)
    /// The connection was closed or failed while `command` waited for its answer.
    case connectionLost(server: String, command: String, detail: String)
    /// The answer to `command` did not complete in time.
    case timeout(server: String, command: String, seconds: Double)
    /// A status line longer than `limit` bytes.
    case lineTooLong(server: String, command: String, limit: Int)
    /// A multi-line answer larger than `limit` bytes; the connection is closed.
    case responseTooLarge(server: String, command: String, limit: Int)
    /// The server said something this client cannot accept.
    case protocolViolation(server: String, command: String, detail: String)
    /// A feature the operation needs is not offered by the server.
    case unsupported(server: String, feature: String, detail: String)
    /// An argument holds CR or LF, which would end the command line early and let the rest be read
    /// as another command; nothing was sent.
    case lineBreakInArgument(server: String, command: String)

    /// Commands whose plain `-ERR` means the login was refused (servers without RFC 3206 codes).
    static let loginCommands: Set<String> = ["USER", "PASS", "APOP", "AUTH"]
    /// The command an error names when the greeting was awaited.
    public static let greeting = "greeting"

    /// What a caller can do about it.
    public var kind: Kind {
        switch self {
        case .err(_, let command, let code, _):
            switch code {
            case .inUse?, .loginDelay?, .systemTemporary?: return .transient
            case .authentication?: return .loginRefused
            case .systemPermanent?, .other?: return .permanent
            case nil: return Self.loginCommands.contains(command) ? .loginRefused : .permanent
            }
        // A server that says nothing at all after connecting is waiting for something else, mostly a
        // TLS handshake (`tls: starttls` or `none` on port 995): retrying only waits again.
        case .timeout(_, Self.greeting, _): return .permanent
        case .connectFailed, .connectionLost, .timeout: return .transient
        case .tls, .startTLSUnavailable, .lineTooLong, .responseTooLarge, .protocolViolation, .unsupported, .lineBreakInArgument:
            return .permanent
        }
    }

    /// The server's label.
    public var server: String {
        switch self {
        case .err(let server, _, _, _), .connectFailed(let server, _), .tls(let server, _, _),
             .startTLSUnavailable(let server, _), .connectionLost(let server, _, _), .timeout(let server, _, _),
             .lineTooLong(let server, _, _), .responseTooLarge(let server, _, _), .protocolViolation(let server, _, _),
             .unsupported(let server, _, _), .lineBreakInArgument(let server, _):
            return server
        }
    }

    /// One sentence describing what happened.
    public var description: String {
        switch self {
        case .err(let server, let command, let code, let text):
            let shown = Self.excerpt(text)
            return "POP3 server \(server) refused \(command)\(code.map { " [\($0)]" } ?? "")\(shown.isEmpty ? "" : ": \(shown)")"
        case .connectFailed(let server, let detail):
            return "Could not connect to POP3 server \(server): \(Self.excerpt(detail))"
        case .tls(let server, let subject, let reason):
            let who = subject.map { " presenting certificate \"\($0)\"" } ?? ""
            return "TLS with POP3 server \(server)\(who) failed: \(reason)"
        case .startTLSUnavailable(let server, let detail):
            return "POP3 server \(server) cannot protect the connection with STLS (\(Self.excerpt(detail))); not continuing in plain text"
        case .connectionLost(let server, let command, let detail):
            return "Connection to POP3 server \(server) was lost during \(command): \(Self.excerpt(detail))"
        case .timeout(let server, Self.greeting, let seconds):
            return "POP3 server \(server) sent no greeting within \(Self.format(seconds)) seconds; a port that expects TLS at once (995) needs tls: implicit"
        case .timeout(let server, let command, let seconds):
            return "POP3 server \(server) did not complete its answer to \(command) in time (\(Self.format(seconds)) seconds plus the time its progress earned)"
        case .lineTooLong(let server, let command, let limit):
            return "POP3 server \(server) answered \(command) with a line longer than \(limit) bytes"
        case .responseTooLarge(let server, let command, let limit):
            return "POP3 server \(server) answered \(command) with more than \(limit) bytes; connection closed"
        case .protocolViolation(let server, let command, let detail):
            return "POP3 server \(server) answered \(command) in a way this client cannot accept: \(Self.excerpt(detail))"
        case .unsupported(let server, let feature, let detail):
            return "POP3 server \(server) does not offer \(feature): \(Self.excerpt(detail))"
        case .lineBreakInArgument(let server, let command):
            return "\(command) was not sent to POP3 server \(server): an argument holds a line break"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }

    /// Server text cut to a readable length, control characters replaced: an error is one short sentence.
    static func excerpt(_ text: String, limit: Int = 160) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
            .trimmingCharacters(in: .whitespaces)
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
