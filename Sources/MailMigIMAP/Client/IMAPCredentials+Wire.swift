import Foundation

extension IMAPCredentials {
    /// The initial response of `AUTHENTICATE PLAIN` (RFC 4616: authzid NUL authcid NUL password), base64.
    static func plainInitialResponse(user: String, password: String, authorizationIdentity: String?) -> String {
        var message: [UInt8] = Array((authorizationIdentity ?? "").utf8)
        message.append(0)
        message.append(contentsOf: Array(user.utf8))
        message.append(0)
        message.append(contentsOf: Array(password.utf8))
        return Data(message).base64EncodedString()
    }

    /// The initial response of `AUTHENTICATE XOAUTH2`, base64.
    static func xoauth2InitialResponse(user: String, accessToken: String) -> String {
        Data("user=\(user)\u{1}auth=Bearer \(accessToken)\u{1}\u{1}".utf8).base64EncodedString()
    }

    /// The initial response of `AUTHENTICATE OAUTHBEARER` (RFC 7628 §3.1: a GS2 header naming the
    /// user, then host, port and the bearer token as key=value pairs separated by 0x01), base64.
    static func oauthBearerInitialResponse(user: String, host: String, port: Int, accessToken: String) -> String {
        let escaped = user.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
        return Data("n,a=\(escaped),\u{1}host=\(host)\u{1}port=\(port)\u{1}auth=Bearer \(accessToken)\u{1}\u{1}".utf8).base64EncodedString()
    }

    /// The texts that carry the secret on the wire besides the secret itself: LOGIN's password as an
    /// RFC 3501 quoted string (`"` and `\` escaped) and the base64 initial response of AUTHENTICATE.
    ///
    /// A server that quotes the command back puts these, not the bare secret, into its answer, so a
    /// caller that redacts secrets from server text must know them too.
    public var wireForms: [String] {
        switch self {
        case .login(_, let password):
            let quoted = password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return quoted == password ? [] : [quoted]
        case .plain(let user, let password, let authzid):
            return [Self.plainInitialResponse(user: user, password: password, authorizationIdentity: authzid)]
        case .xoauth2(let user, let token):
            return [Self.xoauth2InitialResponse(user: user, accessToken: token)]
        case .oauthBearer(let user, let host, let port, let token):
            return [Self.oauthBearerInitialResponse(user: user, host: host, port: port, accessToken: token)]
        }
    }
}
