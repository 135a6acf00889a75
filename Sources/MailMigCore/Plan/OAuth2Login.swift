import Foundation

/// How one side gets OAuth 2.0 access tokens for its logins (`login.oauth2`): the grant, the SASL
/// mechanism, and whether every mailbox needs a token of its own.
///
/// Tokens themselves are never part of the plan or the state: the store asks for them when it logs
/// in and keeps them in memory only.
public struct OAuth2Login: Sendable, Hashable, Codable {
    /// The SASL mechanism that carries the token.
    public enum Mechanism: String, Sendable, Hashable, Codable, CaseIterable {
        /// Google's and Microsoft's `XOAUTH2`.
        case xoauth2
        /// RFC 7628's `OAUTHBEARER`.
        case oauthbearer
    }

    /// Where tokens come from.
    public enum Grant: Sendable, Hashable, Codable {
        /// Client credentials (RFC 6749 §4.4): one application token for every mailbox (Exchange
        /// Online's app-only access).
        case clientCredentials(tokenURL: String, clientID: String, clientSecret: SecretReference, scope: String?)
        /// A JWT signed with a service account's key (RFC 7523), one token per mailbox when `subject`
        /// names it (Google's domain-wide delegation). `tokenURL` nil: the key file's `token_uri`.
        case jwtBearer(keyFile: String, subject: String?, scope: String, tokenURL: String?)
        /// A refresh token (RFC 6749 §6) exchanged for access tokens.
        case refreshToken(tokenURL: String, clientID: String, clientSecret: SecretReference?, refreshToken: SecretReference, scope: String?)
        /// A program that prints a token; its words may hold mailbox placeholders.
        case command([String])
    }

    /// The grant.
    public var grant: Grant
    /// The mechanism; nil: OAUTHBEARER when the server offers it, else XOAUTH2.
    public var mechanism: Mechanism?

    /// Creates the settings.
    public init(grant: Grant, mechanism: Mechanism? = nil) {
        self.grant = grant
        self.mechanism = mechanism
    }

    /// `client credentials at https://…/token`: the grant and where, for plan output and messages.
    public var summary: String {
        switch grant {
        case .clientCredentials(let url, _, _, _): "client credentials at \(url)"
        case .jwtBearer(let keyFile, let subject, _, _): "JWT bearer signed with \(keyFile)" + (subject.map { " for \($0)" } ?? "")
        case .refreshToken(let url, _, _, _, _): "refresh token at \(url)"
        case .command(let words): "the command `\(words.joined(separator: " "))`"
        }
    }
}
