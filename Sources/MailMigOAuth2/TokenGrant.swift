import Foundation

/// How a token is asked for at a token endpoint (RFC 6749 §4.4 and §6, RFC 7523 §2.1), with its
/// secrets already read.
public enum TokenGrant: Sendable {
    /// Client credentials (RFC 6749 §4.4): the application's own token, one for every mailbox (the
    /// app-only model of Exchange Online).
    case clientCredentials(clientID: String, clientSecret: String, scope: String?)
    /// A refresh token (RFC 6749 §6) exchanged for a new access token.
    case refreshToken(clientID: String, clientSecret: String?, refreshToken: String, scope: String?)
    /// A JWT signed with a service account's key (RFC 7523 §2.1), for `subject` when given (Google's
    /// domain-wide delegation: one token per impersonated mailbox).
    case jwtBearer(key: ServiceAccountKey, subject: String?, scope: String)

    /// The grant's name in messages.
    public var name: String {
        switch self {
        case .clientCredentials: "client credentials"
        case .refreshToken: "refresh token"
        case .jwtBearer: "JWT bearer"
        }
    }

    /// The form fields of the token request; `tokenURL` is the JWT's audience, `now` its issue time.
    func form(tokenURL: String, now: Date) throws -> [(String, String)] {
        switch self {
        case .clientCredentials(let clientID, let clientSecret, let scope):
            var fields = [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret)]
            if let scope { fields.append(("scope", scope)) }
            return fields
        case .refreshToken(let clientID, let clientSecret, let refreshToken, let scope):
            var fields = [("grant_type", "refresh_token"), ("client_id", clientID), ("refresh_token", refreshToken)]
            if let clientSecret { fields.append(("client_secret", clientSecret)) }
            if let scope { fields.append(("scope", scope)) }
            return fields
        case .jwtBearer(let key, let subject, let scope):
            let assertion = try JWTAssertion.signed(by: key, subject: subject, scope: scope, audience: tokenURL, issuedAt: now)
            return [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)]
        }
    }

    /// The secrets the request carries, for redaction of anything the endpoint echoes.
    var secrets: [String] {
        switch self {
        case .clientCredentials(_, let secret, _): [secret]
        case .refreshToken(_, let secret, let token, _): [token] + (secret.map { [$0] } ?? [])
        case .jwtBearer: []
        }
    }
}
