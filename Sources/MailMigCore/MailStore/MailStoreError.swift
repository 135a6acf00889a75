/// A store operation failed, classified for the engine: may it be retried, is a folder missing.
///
/// Stores turn their protocol's errors into this; `MailError` adds the side, server, mailbox and folder.
public struct MailStoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: Sendable, Equatable {
        /// The folder does not exist (IMAP `NO [NONEXISTENT]` or a plain `NO` to SELECT).
        case noSuchFolder
        /// Retrying later may succeed: a dropped connection, a timeout, a server busy or throttling.
        case transient
        /// The server refused the login: wrong credentials, or no such account (RFC 5530
        /// `AUTHENTICATIONFAILED`, `AUTHORIZATIONFAILED` for a master user acting for a missing one).
        case loginRefused
        /// The store refused or failed, and retrying the same will not help.
        case failed
    }

    /// What kind of failure.
    public var kind: Kind
    /// The store's own words, one sentence.
    public var reason: String
    /// The pause the server asked for before a retry, in seconds (a throttling server's suggested
    /// backoff), when it named one.
    public var retryAfter: Double?
    /// Whether the server said it paces the client (throttling): a transient failure that slows the
    /// whole server's connections down and never, on its own, fails a mailbox.
    public var throttled: Bool

    /// The longest pause, in seconds, taken on a server's suggestion: a run never sleeps longer on one
    /// server's word (Exchange Online suggests pauses of a minute or two).
    public static let longestRetryPause = 300.0

    /// Creates an error.
    public init(_ kind: Kind, _ reason: String, retryAfter: Double? = nil, throttled: Bool = false) {
        self.kind = kind
        self.retryAfter = retryAfter
        self.throttled = throttled && kind == .transient
        // Server text may quote a secret it was sent.
        self.reason = SecretRedaction.redact(reason)
    }

    /// The reason.
    public var description: String { reason }
}
