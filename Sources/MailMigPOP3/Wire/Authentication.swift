import Crypto
import Foundation

/// What login commands send: the APOP digest (RFC 1939 §7) and the SASL PLAIN message (RFC 4616).
enum Authentication {
    /// The lower-case hex MD5 of the greeting's timestamp followed by the shared secret.
    static func apopDigest(timestamp: String, secret: String) -> String {
        Insecure.MD5.hash(data: Data((timestamp + secret).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `authzid NUL authcid NUL password`, base64-encoded.
    static func plainResponse(user: String, password: String, authorizationIdentity: String?) -> String {
        var message = Data((authorizationIdentity ?? "").utf8)
        message.append(0)
        message.append(contentsOf: Data(user.utf8))
        message.append(0)
        message.append(contentsOf: Data(password.utf8))
        return message.base64EncodedString()
    }
}
