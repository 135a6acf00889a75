import _CryptoExtras
import Foundation

/// A service account's signing key: Google's JSON key file (`client_email`, `private_key`,
/// `token_uri`), or a PEM private key with the issuer given apart.
public struct ServiceAccountKey: Sendable {
    /// The JWT's issuer (`iss`): the service account's e-mail address.
    public let issuer: String
    /// The key's id (`kid` in the JWT header), when the key file names one.
    public let keyID: String?
    /// The token endpoint the key file names (`token_uri`).
    public let tokenURL: String?
    let privateKey: _RSA.Signing.PrivateKey

    /// Reads a JSON key file as Google issues it for a service account.
    ///
    /// Throws `OAuth2Error` naming the file and the field that is missing or unreadable.
    public init(jsonFile url: URL) throws {
        let source = "the key file \(url.path)"
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw OAuth2Error(source: source, reason: "it cannot be read (\(error.localizedDescription))", isTransient: false)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw OAuth2Error(source: source, reason: "it is not a JSON object (a service account's key file is)", isTransient: false)
        }
        guard let issuer = object["client_email"] as? String, !issuer.isEmpty else {
            throw OAuth2Error(source: source, reason: "it has no client_email", isTransient: false)
        }
        guard let pem = object["private_key"] as? String else {
            throw OAuth2Error(source: source, reason: "it has no private_key", isTransient: false)
        }
        try self.init(issuer: issuer, privateKeyPEM: pem, keyID: object["private_key_id"] as? String,
                      tokenURL: object["token_uri"] as? String, source: source)
    }

    /// A PEM private key (PKCS#8 or PKCS#1 RSA, at least 2048 bits) for `issuer`.
    public init(issuer: String, privateKeyPEM pem: String, keyID: String? = nil, tokenURL: String? = nil, source: String = "the service account key") throws {
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw OAuth2Error(source: source, reason: "its private_key is not an RSA private key of 2048 bits or more in PEM", isTransient: false)
        }
        self.issuer = issuer
        self.keyID = keyID
        self.tokenURL = tokenURL
    }

    /// The RS256 signature (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) of `data`.
    func sign(_ data: Data) throws -> Data {
        Data(try privateKey.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation)
    }
}
