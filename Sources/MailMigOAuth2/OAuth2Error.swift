/// Getting an access token failed; one sentence naming the token endpoint (or the command) and what
/// it answered, never a secret.
public struct OAuth2Error: Error, Sendable, CustomStringConvertible {
    /// The token URL or the command, as the message names it.
    public var source: String
    /// What went wrong.
    public var reason: String
    /// Whether asking again shortly may work (no answer, a 5xx, 429): the endpoint retries those.
    public var isTransient: Bool

    /// Creates an error.
    public init(source: String, reason: String, isTransient: Bool) {
        self.source = source
        self.reason = reason
        self.isTransient = isTransient
    }

    /// `no access token from https://login.example/token: invalid_client (the secret has expired)`.
    public var description: String { "no access token from \(source): \(reason)" }
}
