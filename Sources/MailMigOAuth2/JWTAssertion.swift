import Foundation

/// The signed JWT of the JWT-bearer grant (RFC 7523 §3): issuer, audience, subject, scope and a
/// lifetime of one hour, signed RS256.
enum JWTAssertion {
    /// The compact serialisation `header.claims.signature`, each part base64url without padding.
    static func signed(by key: ServiceAccountKey, subject: String?, scope: String, audience: String, issuedAt: Date,
                       lifetime: TimeInterval = 3600) throws -> String {
        var header: [String: Any] = ["alg": "RS256", "typ": "JWT"]
        if let keyID = key.keyID { header["kid"] = keyID }
        let issued = Int(issuedAt.timeIntervalSince1970)
        var claims: [String: Any] = ["iss": key.issuer, "aud": audience, "scope": scope, "iat": issued, "exp": issued + Int(lifetime)]
        if let subject { claims["sub"] = subject }
        let input = try base64URL(json(header)) + "." + base64URL(json(claims))
        return input + "." + base64URL(try key.sign(Data(input.utf8)))
    }

    static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Base64url without padding (RFC 7515 §2).
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
