import Foundation

/// An OAuth 2.0 access token (RFC 6749 §5.1) and the time it stops being valid.
///
/// The token is a secret: `description` never shows it.
public struct AccessToken: Sendable, CustomStringConvertible {
    /// The bearer token itself.
    public let value: String
    /// When it was received.
    public let issuedAt: Date
    /// When the server said it expires (`expires_in`); nil when it did not say.
    public let expiresAt: Date?

    /// A token received at `issuedAt`, valid for `expiresIn` seconds when the server said so.
    public init(value: String, issuedAt: Date = Date(), expiresIn: Double?) {
        self.value = value
        self.issuedAt = issuedAt
        expiresAt = expiresIn.map { issuedAt.addingTimeInterval($0) }
    }

    /// How long before its expiry a token is replaced: a fifth of its lifetime, at most a minute, so a
    /// login never starts with a token about to expire, and a short-lived token is still used.
    public var refreshMargin: TimeInterval {
        guard let expiresAt else { return 0 }
        return min(60, expiresAt.timeIntervalSince(issuedAt) / 5)
    }

    /// Whether the token may still be used for a new login at `now`. A token without a stated
    /// lifetime is kept for `unstatedLifetime` seconds (a refused login replaces it sooner).
    public func isFresh(at now: Date, unstatedLifetime: TimeInterval = 300) -> Bool {
        guard let expiresAt else { return now < issuedAt.addingTimeInterval(unstatedLifetime) }
        return now < expiresAt.addingTimeInterval(-refreshMargin)
    }

    /// `access token (… expires in 3599 s)`, never the token.
    public var description: String {
        guard let expiresAt else { return "access token (lifetime not stated)" }
        return "access token (expires in \(Int(expiresAt.timeIntervalSinceNow)) s)"
    }
}
