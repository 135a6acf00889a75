import Foundation
import Testing

/// After a full test migration, no secret value (admin password, TSIG key) appears in the state database,
/// the saved plan, the JSON output, the reports or the captured log, in clear or base64; state files are 0600.
@Suite("Faults: secrets never written", .serialized, .enabled(if: TestEnvironment.isEnabled))
struct SecretsScanTests {
    /// The forms a secret could leak in: as is, base64 (alone and as SASL PLAIN credentials), and hex.
    static func forms(of secret: String, logins: [String]) -> [String] {
        var forms = [secret, Data(secret.utf8).base64EncodedString(), Data(secret.utf8).map { String(format: "%02x", $0) }.joined()]
        for login in logins {
            forms.append(Data("\0\(login)\0\(secret)".utf8).base64EncodedString())
            forms.append(Data("\(login)\0\(login)\0\(secret)".utf8).base64EncodedString())
        }
        return forms
    }

    /// Every file under `folder`, recursively.
    static func files(under folder: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }

    @Test("Mail migration with --json, a saved plan with a DNS provider, status and every report format: zero secrets found")
    func noSecretWritten() throws {
        let keyFile = try TestEnvironment.require("MAILMIG_TEST_DNS_KEY_FILE")
        let keyName = try TestEnvironment.require("MAILMIG_TEST_DNS_KEY_NAME")
        let tsigSecret = try TestEnvironment.require("MAILMIG_TEST_DNS_KEY_SECRET")
        let dnsServer = "\(try TestEnvironment.require("MAILMIG_TEST_DNS_HOST")):\(try TestEnvironment.require("MAILMIG_TEST_DNS_PORT"))"
        let servers = try PrivateDovecot()
        defer { servers.remove() }
        try servers.addUser("flt-sec-src", on: .source)
        try servers.addUser("flt-sec-tgt", on: .target)
        let corpus = try Spawn.generate(["--mailboxes", "1", "--messages", "40", "--seed", "61"])
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try servers.load(corpus.appendingPathComponent("mbox01"), into: "flt-sec-src")
        let ca = servers.certificate("ca.crt")
        let dns = """
        dns:
          providers:
            primary:
              rfc2136:
                server: "\(dnsServer)"
                key: { name: \(keyName), algorithm: hmac-sha256, secret: "file:\(keyFile)" }

        """
        let plan = try FaultPlan(source: .init(port: servers.sourcePort, tls: "starttls", caFile: ca),
                                 target: .init(port: servers.targetPort, tls: "starttls", caFile: ca),
                                 mailboxes: [("flt-sec-src", "flt-sec-tgt")], extra: dns)
        defer { plan.remove() }

        var outputs: [String: String] = [:]
        func run(_ name: String, _ arguments: [String], expect status: Int32 = 0) throws {
            let output = try plan.mailmig(arguments)
            outputs[name] = output.stdout + output.stderr
            #expect(output.status == status, "mailmig \(arguments.joined(separator: " ")) exited with \(output.status):\n\(output.stdout)\(output.stderr)")
        }
        try run("validate", ["validate"])
        try run("plan", ["plan"])
        try run("plan-json", ["plan", "--json"])
        try run("plan-out", ["plan", "-out", "saved.plan"])
        try run("apply-saved-json", ["apply", "saved.plan", "--json"])
        try run("apply-json", ["apply", "--auto-approve", "--json"])
        try run("status", ["status"])
        try run("verify", ["verify"])
        for format in ["html", "markdown", "json", "csv"] {
            try run("report-\(format)", ["report", "--format", format, "--output", "report.\(format)"])
        }
        let target = try servers.snapshot("flt-sec-tgt", on: .target)
        #expect(target.count == 40, "the migration did not complete: \(target.count) of 40 messages")

        var scanned: [(String, Data)] = outputs.map { ("output of \($0.key)", Data($0.value.utf8)) }
        for file in Self.files(under: plan.folder) where file.lastPathComponent != "mailmig.yaml" {
            scanned.append((file.path, try Data(contentsOf: file)))
        }
        let secrets = ["admin password": "secret-admin", "TSIG secret": tsigSecret]
        var hits: [String] = []
        for (label, secret) in secrets {
            for form in Self.forms(of: secret, logins: ["admin", "flt-sec-src*admin", "flt-sec-tgt*admin"]) {
                let needle = Data(form.utf8)
                for (name, bytes) in scanned where bytes.range(of: needle) != nil {
                    hits.append("\(label) (\(form == secret ? "clear" : "encoded")) in \(name)")
                }
            }
        }
        #expect(hits.isEmpty, "secrets written: \(hits)")
        let stateFiles = Self.files(under: plan.folder.appendingPathComponent(".mailmig"))
        #expect(stateFiles.contains { $0.lastPathComponent == "state.sqlite" }, "no state database")
        for file in stateFiles where file.lastPathComponent.hasPrefix("state.sqlite") {
            let mode = (try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode == 0o600, "\(file.lastPathComponent) has mode \(String(mode, radix: 8))")
        }
        let savedMode = (try FileManager.default.attributesOfItem(atPath: plan.folder.appendingPathComponent("saved.plan").path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        #expect(savedMode == 0o600, "saved.plan has mode \(String(savedMode, radix: 8))")
        print("Secrets scan: \(scanned.count) files and outputs, \(scanned.reduce(0) { $0 + $1.1.count }) bytes, \(secrets.count) secrets in \(Self.forms(of: "x", logins: ["a", "b", "c"]).count) forms each: \(hits.count) found; state files \(stateFiles.map(\.lastPathComponent))")
    }
}
