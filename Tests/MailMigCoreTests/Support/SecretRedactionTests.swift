import Foundation
@testable import MailMigCore
import Testing

/// A secret a server quotes back never reaches a message, a log or the state.
@Suite("Secret redaction")
struct SecretRedactionTests {
    /// A secret no other test uses, read the way plans read secrets.
    static func resolvedSecret() throws -> String {
        let value = "pw-\(UUID().uuidString.prefix(13))"
        let reference = SecretReference.environment("MAILMIG_TEST_SECRET")
        #expect(try reference.resolve(baseDirectory: URL(fileURLWithPath: "/tmp"), environment: ["MAILMIG_TEST_SECRET": value]) == value)
        return value
    }

    @Test("a secret read from the environment or a file is redacted from a server's words, as it is and in base64 at any alignment")
    func serverEcho() throws {
        let secret = try Self.resolvedSecret()
        let plain = Data("\u{0}alice@acme.test\u{0}\(secret)".utf8).base64EncodedString()
        for prefix in ["", "a", "ab"] {
            let shifted = Data((prefix + "user=alice\u{1}auth=Bearer " + secret + "\u{1}\u{1}").utf8).base64EncodedString()
            let text = SecretRedaction.redact("NO [AUTHENTICATIONFAILED] bad password '\(secret)' for \(plain) / \(shifted)")
            #expect(!text.contains(secret))
            #expect(!text.contains(String(Data(secret.utf8).base64EncodedString().dropLast(4))))
            #expect(text.contains(SecretRedaction.placeholder))
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-secret-\(UUID().uuidString)")
        let fromFile = "file-\(UUID().uuidString.prefix(12))"
        try (fromFile + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try SecretReference.file(file.path).resolve(baseDirectory: URL(fileURLWithPath: "/"))
        #expect(SecretRedaction.redact("echo: \(fromFile).") == "echo: \(SecretRedaction.placeholder).")
    }

    @Test("errors built from server text carry no secret: store errors, mail errors, DNS provider errors")
    func errorsRedact() throws {
        let secret = try Self.resolvedSecret()
        let store = MailStoreError(.loginRefused, "NO [AUTHENTICATIONFAILED] bad password '\(secret)'")
        #expect(!store.description.contains(secret))
        let mail = MailError(side: .source, server: "imap.acme.test", mailbox: "a@acme.test", reason: "server said \(secret)")
        #expect(!mail.description.contains(secret))
        #expect(!MailError(StubError(text: "raw \(secret)"), side: .target, server: "s", mailbox: "m", folder: nil).description.contains(secret))
        let dns = ProviderError(.server("REFUSED: key \(secret) not allowed"), provider: "bind", key: nil)
        #expect(!dns.description.contains(secret))
    }

    @Test("short secrets are not looked for, so messages stay readable")
    func shortSecretsIgnored() {
        SecretRedaction.register("ok")
        #expect(SecretRedaction.redact("all ok") == "all ok")
    }

    private struct StubError: Error, CustomStringConvertible {
        let text: String
        var description: String { text }
    }
}
