/// How to log in (RFC 1939 §7, RFC 5034). Descriptions never contain the secret.
///
/// OAuth mechanisms (XOAUTH2, OAUTHBEARER of RFC 7628) fit here as further cases sent with `AUTH`.
public enum POP3Credentials: Sendable, CustomStringConvertible {
    /// `USER name` then `PASS password`.
    case user(name: String, password: String)
    /// `APOP name digest`: the MD5 of the greeting's timestamp and the shared secret; only when the
    /// greeting offers a timestamp.
    case apop(name: String, secret: String)
    /// `AUTH PLAIN`; with `authorizationIdentity` set, `user` (an admin) logs in and acts as it.
    case plain(user: String, password: String, authorizationIdentity: String? = nil)

    /// The account whose mail is accessed.
    public var mailboxOwner: String {
        switch self {
        case .user(let name, _), .apop(let name, _): return name
        case .plain(let user, _, let authzid): return authzid ?? user
        }
    }

    /// The mechanism and identities, without the secret.
    public var description: String {
        switch self {
        case .user(let name, _): return "USER/PASS as \(name)"
        case .apop(let name, _): return "APOP as \(name)"
        case .plain(let user, _, let authzid?): return "AUTH PLAIN as \(user) for \(authzid)"
        case .plain(let user, _, nil): return "AUTH PLAIN as \(user)"
        }
    }
}
