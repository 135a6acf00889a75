import Foundation
import MailMigCore
@testable import MailMigPlanFile
import Testing

/// A secret written where a reference or a mapping belongs is an error that never repeats the secret.
@Suite("Plan file: errors never echo a secret")
struct SecretEchoTests {
    static let secrets = ["S3cretAdminPassw0rd", "MyMailboxPassword", "hunter2", "ajRUQ6OA1ExcqdDrxJgT/5P6gTgZoudUhpvxY/AAAAA="]

    @Test("a password or key pasted in place of a login, a mailbox login, a TSIG key or a provider's settings")
    func pastedSecrets() {
        let yaml = """
            mailmig: 1
            name: t
            source: { imap: { host: a.test }, login: { admin: "S3cretAdminPassw0rd" } }
            target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }
            mailboxes:
              - { source: a@acme.test, source_login: "MyMailboxPassword" }
            dns:
              providers:
                p1: { rfc2136: "hunter2" }
                p2: { rfc2136: { server: 127.0.0.1, key: "ajRUQ6OA1ExcqdDrxJgT/5P6gTgZoudUhpvxY/AAAAA=" } }

            """
        let result = PlanFixtures.load(yaml)
        let errors = PlanFixtures.errors(result)
        #expect(result.plan == nil)
        #expect(errors.count >= 4, "\(errors)")
        for secret in Self.secrets {
            #expect(!errors.joined(separator: "\n").contains(secret.prefix(6)), "\(secret) echoed in \(errors)")
        }
        #expect(errors.contains("3:51: expected a mapping for source.login.admin, found a string"), "\(errors)")
        #expect(errors.contains("9:20: expected a mapping for dns.providers.p1.rfc2136, found a string"), "\(errors)")
    }

    @Test("values that cannot be secrets are still shown, to help fix them")
    func harmlessValuesShown() {
        #expect(SecretEchoTests.mayHold("source.login.admin.password"))
        #expect(SecretEchoTests.mayHold("mailboxes[3].target_login"))
        #expect(SecretEchoTests.mayHold("dns.providers.p.rfc2136.key.secret"))
        #expect(!SecretEchoTests.mayHold("target.imap.port"))
        #expect(!SecretEchoTests.mayHold("dns.providers.p.rfc2136.check_servers"))
    }

    static func mayHold(_ path: String) -> Bool { PlanDecoderProbe.mayHoldSecret(path) }
}

/// Reaches the rule the decoders share.
private enum PlanDecoderProbe {
    static func mayHoldSecret(_ path: String) -> Bool {
        struct Probe: PlanNodeDecoding { var diagnostics = DiagnosticBag() }
        return Probe.mayHoldSecret(path)
    }
}
