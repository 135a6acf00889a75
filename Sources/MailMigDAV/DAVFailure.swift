/// Why a WebDAV request failed, as one sentence naming the server and what it said.
public enum DAVFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer: refused, reset, timed out, TLS failed.
    case unreachable(server: String, what: String, reason: String)
    /// The server refused the credentials (401, or 403 on the principal).
    case unauthorized(server: String, what: String, status: Int)
    /// An answer other than the expected ones.
    case status(server: String, what: String, status: Int, reason: String, body: String?)
    /// The body could not be read as the expected XML.
    case malformed(what: String, reason: String)
    /// The server answered 429 or 503 with a pause to honour (seconds), after every retry.
    case throttled(server: String, what: String, retryAfter: Int?)

    /// Whether asking again later may succeed.
    public var isTransient: Bool {
        switch self {
        case .unreachable, .throttled: true
        case .status(_, _, let status, _, _): status >= 500
        case .unauthorized, .malformed: false
        }
    }

    /// The HTTP status, when the server answered.
    public var httpStatus: Int? {
        switch self {
        case .unauthorized(_, _, let status), .status(_, _, let status, _, _): status
        case .throttled: 429
        case .unreachable, .malformed: nil
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let server, let what, let reason):
            "\(what): \(server) did not answer (\(reason))"
        case .unauthorized(let server, let what, let status):
            "\(what): \(server) refused the login (\(status)); check the user and password or token"
        case .status(let server, let what, let status, let reason, let body):
            "\(what): \(server) answered \(status) \(reason)" + (body.map { ": \($0)" } ?? "")
        case .malformed(let what, let reason):
            "\(what): the answer is not the expected XML (\(reason))"
        case .throttled(let server, let what, let retryAfter):
            "\(what): \(server) is throttling requests" + (retryAfter.map { " (asked to wait \($0) s)" } ?? "")
        }
    }
}
