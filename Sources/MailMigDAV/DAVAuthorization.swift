import Foundation

/// How requests prove who they are: HTTP Basic (RFC 7617) with a user and password, or a bearer
/// token (RFC 6750) asked for afresh for each request, so a token source can renew it.
public enum DAVAuthorization: Sendable {
    /// `Authorization: Basic …`.
    case basic(user: String, password: String)
    /// `Authorization: Bearer …`, from a source that renews the token before it expires; `renew`
    /// asks for a new one after the server refused the last (401).
    case bearer(@Sendable (_ renew: Bool) async throws -> String)

    /// Whether a refused request is worth one more try with a renewed token.
    var renews: Bool {
        if case .bearer = self { return true }
        return false
    }

    /// The header's value.
    func header(renew: Bool = false) async throws -> String {
        switch self {
        case .basic(let user, let password):
            return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        case .bearer(let token):
            return "Bearer " + (try await token(renew))
        }
    }
}
