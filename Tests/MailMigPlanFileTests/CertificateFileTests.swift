import Foundation
import MailMigCore
@testable import MailMigPlanFile
import Testing

/// `ca_file` is checked when the plan is read: a file that is there must hold a certificate.
@Suite("Plan file: ca_file holds a certificate")
struct CertificateFileTests {
    static func plan(caFile: String) -> String {
        """
        mailmig: 1
        name: t
        source: { imap: { host: a.test, ca_file: "\(caFile)" }, login: { admin: { user: a, password: env:A } } }
        target: { imap: { host: b.test }, login: { admin: { user: a, password: env:A } } }

        """
    }

    @Test("a key, an empty file or a folder is an error at ca_file; a PEM certificate or a file not there yet is not")
    func checked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailmig-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n".write(to: folder.appendingPathComponent("key.pem"), atomically: true, encoding: .utf8)
        try "".write(to: folder.appendingPathComponent("empty.pem"), atomically: true, encoding: .utf8)
        try "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".write(to: folder.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        func errors(_ file: String) -> [String] {
            PlanFixtures.errors(PlanLoader.load(text: Self.plan(caFile: file), file: "plan.yaml", baseDirectory: folder, dnsKinds: PlanFixtures.dnsKinds))
        }
        #expect(errors("key.pem") == ["3:42: source.imap.ca_file \(folder.appendingPathComponent("key.pem").path) holds no certificate: expected PEM text with a -----BEGIN CERTIFICATE----- block"])
        #expect(errors("empty.pem").first?.contains("holds no certificate") == true)
        #expect(errors(".").first?.contains("cannot be read as a file") == true)
        #expect(errors("ca.pem").isEmpty)
        #expect(errors("not-yet.pem").isEmpty)
    }
}
