import Foundation
import MailMigCore
import MailMigIMAP
import Testing

/// Secrets a server quotes back in the form they had on the wire are redacted like the bare secret.
@Suite("Secrets in their wire forms")
struct WireSecretRedactionTests {
    @Test("a LOGIN password with a quote and a backslash, echoed as the quoted string it was sent as, is redacted")
    func quotedPassword() {
        let password = "Se\"cr\\et-pw9-wire"
        let credentials = IMAPCredentials.login(user: "erin*admin", password: password)
        SecretRedaction.register(password)
        credentials.wireForms.forEach(SecretRedaction.register)
        let echoed = SecretRedaction.redact("NO [AUTHENTICATIONFAILED] bad password 'Se\\\"cr\\\\et-pw9-wire'")
        #expect(!echoed.contains("cr\\\\et-pw9"), "\(echoed)")
        #expect(echoed.contains("[redacted]"))
    }

    @Test("an AUTHENTICATE PLAIN initial response echoed back is redacted whole, leaving no base64 fragment of the password",
          arguments: ["er@acme.test", "erin@acme.test", "e@acme.test"])
    func plainBlob(authorizationIdentity: String) {
        let password = "secret-admin-plain"
        let credentials = IMAPCredentials.plain(user: "admin", password: password, authorizationIdentity: authorizationIdentity)
        SecretRedaction.register(password)
        credentials.wireForms.forEach(SecretRedaction.register)
        var blob: [UInt8] = Array(authorizationIdentity.utf8) + [0] + Array("admin".utf8) + [0] + Array(password.utf8)
        let encoded = Data(blob).base64EncodedString()
        blob.removeAll()
        let echoed = SecretRedaction.redact("NO [AUTHENTICATIONFAILED] bad response \(encoded)")
        #expect(echoed == "NO [AUTHENTICATIONFAILED] bad response [redacted]", "\(echoed)")
    }
}
