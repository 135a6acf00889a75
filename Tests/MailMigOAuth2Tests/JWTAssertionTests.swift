import _CryptoExtras
import Foundation
@testable import MailMigOAuth2
import Testing

@Suite("JWT bearer assertion (RFC 7523)")
struct JWTAssertionTests {
    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    @Test("the assertion is header.claims.signature in base64url, signed RS256 with the key, for the subject and the audience")
    func signed() throws {
        let privateKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let key = try ServiceAccountKey(issuer: "mailmig@acme-project.iam.gserviceaccount.com", privateKeyPEM: privateKey.pemRepresentation,
                                        keyID: "k1", tokenURL: "https://oauth2.googleapis.com/token")
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let jwt = try JWTAssertion.signed(by: key, subject: "alice@acme.test", scope: "https://mail.google.com/",
                                          audience: "https://oauth2.googleapis.com/token", issuedAt: issued)
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        #expect(!jwt.contains("=") && !jwt.contains("+") && !jwt.contains("/"))
        let headerData = try #require(Self.base64URLDecode(parts[0]))
        let claimsData = try #require(Self.base64URLDecode(parts[1]))
        let signatureData = try #require(Self.base64URLDecode(parts[2]))
        let header = try #require(try JSONSerialization.jsonObject(with: headerData) as? [String: Any])
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == "k1")
        let claims = try #require(try JSONSerialization.jsonObject(with: claimsData) as? [String: Any])
        #expect(claims["iss"] as? String == "mailmig@acme-project.iam.gserviceaccount.com")
        #expect(claims["sub"] as? String == "alice@acme.test")
        #expect(claims["aud"] as? String == "https://oauth2.googleapis.com/token")
        #expect(claims["scope"] as? String == "https://mail.google.com/")
        #expect(claims["iat"] as? Int == 1_800_000_000)
        #expect(claims["exp"] as? Int == 1_800_003_600)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: signatureData)
        let input = Data("\(parts[0]).\(parts[1])".utf8)
        #expect(privateKey.publicKey.isValidSignature(signature, for: input, padding: .insecurePKCS1v1_5))
        // Another key's signature does not verify: the test can fail.
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(!other.publicKey.isValidSignature(signature, for: input, padding: .insecurePKCS1v1_5))
    }

    @Test("a Google key file is read; a file without client_email or with a broken key is named with what is wrong")
    func keyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oauth2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pem = try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
        let good = folder.appendingPathComponent("sa.json")
        let object: [String: Any] = ["type": "service_account", "client_email": "sa@p.iam.gserviceaccount.com", "private_key": pem,
                                     "private_key_id": "abc", "token_uri": "https://oauth2.googleapis.com/token"]
        try JSONSerialization.data(withJSONObject: object).write(to: good)
        let key = try ServiceAccountKey(jsonFile: good)
        #expect(key.issuer == "sa@p.iam.gserviceaccount.com")
        #expect(key.tokenURL == "https://oauth2.googleapis.com/token")
        #expect(key.keyID == "abc")

        let noIssuer = folder.appendingPathComponent("no-issuer.json")
        try JSONSerialization.data(withJSONObject: ["private_key": pem]).write(to: noIssuer)
        #expect(throws: OAuth2Error.self) { try ServiceAccountKey(jsonFile: noIssuer) }
        do { _ = try ServiceAccountKey(jsonFile: noIssuer) } catch {
            #expect("\(error)" == "no access token from the key file \(noIssuer.path): it has no client_email")
        }
        let broken = folder.appendingPathComponent("broken.json")
        try JSONSerialization.data(withJSONObject: ["client_email": "x@y", "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"])
            .write(to: broken)
        do {
            _ = try ServiceAccountKey(jsonFile: broken)
            Issue.record("a broken key was accepted")
        } catch {
            #expect("\(error)".hasSuffix("its private_key is not an RSA private key of 2048 bits or more in PEM"))
        }
    }
}
