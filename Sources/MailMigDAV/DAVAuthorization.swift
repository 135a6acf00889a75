import Foundation

/// How requests prove who they are: HTTP Basic (RFC 7617) with a user and password, or a bearer
/// token (RFC 6750) fetched afresh for each request, so a token source can renew it.
public enum DAVAuthorization: Sendable {
    /// `Authorization: Basic …`.
    case basic(user: String, password: String)
    /// `Authorization: Bearer …`, from a source that renews the token before it expires.
    case bearer(@Sendable () async throws -> String)

    /// The header's value.
    func header() async throws -> String {
        switch self {
        case .basic(let user, let password):
            return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        case .bearer(let token):
            return "Bearer " + (try await token())
        }
    }
}
