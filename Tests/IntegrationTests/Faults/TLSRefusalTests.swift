import Foundation
import Testing

/// A target whose certificate is self-signed (the fault proxy terminating TLS with it in front of the
/// target's plain port): refused unless the plan opts out with `verify_certificates: false`, which the
/// plan output then warns about.
@Suite("Faults: self-signed target certificate", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct TLSRefusalTests {
    @Test("Refused by default with a certificate error naming the server; verify_certificates: false warns and works")
    func selfSignedTarget() throws {
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        try servers.addUser("flt-tls-src", on: .source)
        try servers.addUser("flt-tls-tgt", on: .target)
        let corpus = try Spawn.generate(["--mailboxes", "1", "--messages", "20", "--seed", "51"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try servers.load(corpus.appendingPathComponent("mbox01"), into: "flt-tls-src")
        let proxy = try FaultProxy(targetPort: servers.targetPort, mode: "none", seed: 1,
                                   certificate: servers.certificate("selfsigned.crt"), key: servers.certificate("selfsigned.key"))
        defer { proxy.stop() }
        var plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: servers.certificate("ca.crt")),
                                 target: .init(port: proxy.port, tls: "implicit", caFile: nil),
                                 mailboxes: [("flt-tls-src", "flt-tls-tgt")])
        defer { plan.remove() }

        let refused = try plan.mailmig(["plan"])
        let refusal = refused.stdout + refused.stderr
        #expect(refused.status != 0, "plan against a self-signed target succeeded:\n\(refusal)")
        #expect(refusal.lowercased().contains("certificate"), "no certificate error:\n\(refusal)")
        #expect(refusal.contains("127.0.0.1"), "the server is not named:\n\(refusal)")
        #expect(!refusal.contains("Fatal error"), "crash:\n\(refusal)")

        // Trusting the project CA is not enough either: the certificate is not issued by it.
        plan.target.caFile = servers.certificate("ca.crt")
        try plan.write()
        let wrongCA = try plan.mailmig(["plan"])
        #expect(wrongCA.status != 0, "plan with an unrelated CA succeeded:\n\(wrongCA.stdout)\(wrongCA.stderr)")

        plan.target.caFile = nil
        plan.target.verifyCertificates = false
        try plan.write()
        let validate = try plan.mailmig(["validate"])
        #expect(validate.status == 0, "validate: \(validate.stdout)\(validate.stderr)")
        #expect((validate.stdout + validate.stderr).contains("certificate verification is off"), "validate does not warn:\n\(validate.stdout)\(validate.stderr)")
        let planned = try plan.mailmig(["plan"])
        let planText = planned.stdout + planned.stderr
        #expect(planned.status == 0, "plan with verify_certificates: false failed:\n\(planText)")
        #expect(planText.lowercased().contains("warning") && planText.contains("certificate verification is off"), "plan does not warn:\n\(planText)")
        let applied = try plan.mailmig(["apply", "--auto-approve"])
        #expect(applied.status == 0, "apply failed:\n\(applied.stdout)\(applied.stderr)")
        let source = try servers.snapshot("flt-tls-src", on: .source)
        let target = try servers.snapshot("flt-tls-tgt", on: .target)
        let expected = MailFolderRules().expected(from: source)
        #expect(target.multisets == expected, "\(MailboxSnapshot.difference(expected: expected, actual: target.multisets))")
        print("Self-signed target: refused (\(refusal.split(separator: "\n").first { $0.lowercased().contains("certificate") } ?? "")); opted out: \(target.count)/\(source.count) copied")
    }
}
