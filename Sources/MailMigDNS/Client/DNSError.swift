import Foundation

/// A DNS operation failed; says which server, which operation and which zone or name.
public struct DNSError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// No answer within the timeout after every attempt.
        case timeout(attempts: Int, seconds: Double)
        /// Nothing listens on the server's port.
        case connectionRefused
        /// The server closed the connection before answering.
        case connectionClosed
        /// Another network error, described by the system.
        case network(String)
        /// The answer broke the DNS wire format or did not match the request.
        case malformedResponse(String)
        /// REFUSED: the server will not perform the operation for this client or key.
        case refused
        /// NOTAUTH: the server is not authoritative for the zone, or the signature was not accepted.
        case notAuthoritative
        /// NOTZONE: a name in the update lies outside the zone.
        case notZone
        /// NXRRSET, YXRRSET, NXDOMAIN or YXDOMAIN on an update: a prerequisite no longer holds.
        /// `current` holds the RRsets the server has now at the names the prerequisites named.
        case prerequisiteFailed(ResponseCode, current: [RRset])
        /// BADSIG: the server could not verify the request's signature (wrong secret).
        case badSignature(key: String)
        /// BADKEY: the server does not know the key (name or algorithm).
        case badKey(key: String)
        /// BADTIME: the clocks differ by more than the allowed window; `skew` is server minus local seconds.
        case badTime(skew: Int64)
        /// A signed request got an unsigned, wrongly signed or stale response.
        case responseNotAuthenticated(String)
        /// Any other response code.
        case serverError(ResponseCode)
    }

    public let kind: Kind
    /// The server asked, as `host:port`.
    public let server: DNSServer
    /// What was being done, e.g. `update of zone acme.test.` or `query for acme.test. MX`.
    public let operation: String

    /// An error of `kind` while doing `operation` at `server`.
    public init(_ kind: Kind, server: DNSServer, operation: String) {
        self.kind = kind
        self.server = server
        self.operation = operation
    }

    public var description: String { "DNS \(operation) at \(server) failed: \(reason)" }
    public var errorDescription: String? { description }

    /// The explanation without the context.
    public var reason: String {
        switch kind {
        case .timeout(let attempts, let seconds):
            "no answer after \(attempts) attempt\(attempts == 1 ? "" : "s") of \(Self.format(seconds)) s each; is the server running and reachable?"
        case .connectionRefused: "connection refused; is a DNS server listening on that address and port?"
        case .connectionClosed: "the server closed the connection without answering"
        case .network(let message): "network error: \(message)"
        case .malformedResponse(let why): "the answer is not a valid DNS response (\(why))"
        case .refused: "the server refused the update: is the key allowed to update this zone?"
        case .notAuthoritative:
            "the server is not authoritative for this zone or did not accept the request's signature (NOTAUTH)"
        case .notZone: "a record in the update lies outside the zone (NOTZONE)"
        case .prerequisiteFailed(let code, let current):
            "the record changed since it was planned (\(code)): now "
                + (current.isEmpty ? "no such records" : current.map(\.description).joined(separator: "; "))
        case .badSignature(let key): "the server rejected the signature made with key \(key) (BADSIG): is the secret right?"
        case .badKey(let key): "the server does not know key \(key) or its algorithm (BADKEY)"
        case .badTime(let skew):
            "the clocks of this machine and the server differ by \(skew.magnitude) s, more than TSIG allows (BADTIME); fix the clock skew"
        case .responseNotAuthenticated(let why): "the response could not be authenticated: \(why)"
        case .serverError(let code): "the server answered \(code)"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
