import Foundation
import Testing

/// `--log-file`: a private file with one line per event, and never a secret.
@Suite struct LogFileTests {
    @Test func planWritesItsSummaryToAPrivateLogFile() throws {
        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = """
            mailmig: 1
            name: logged
            source: { imap: { host: 127.0.0.1, tls: none }, login: { admin: { user: admin, password: env:LOG_TEST_SECRET } } }
            target: { imap: { host: 127.0.0.1, port: 1, tls: none }, login: { admin: { user: admin, password: env:LOG_TEST_SECRET } } }
            """
        try Data(plan.utf8).write(to: folder.appendingPathComponent("mailmig.yaml"))
        let secret = "s3cret-\(UUID().uuidString)"
        let output = try MailMigBinary.run(["plan", "--log-file", "run.log", "--log-level", "debug"], in: folder,
                                           environment: ["LOG_TEST_SECRET": secret])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let logURL = folder.appendingPathComponent("run.log")
        let log = try String(contentsOf: logURL, encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.contains { $0.contains(" info mailmig: Plan: 0 to add, 0 to change, 0 to destroy.") }, "\(log)")
        #expect(lines.allSatisfy { $0.first?.isNumber == true }, "every line starts with its timestamp: \(log)")
        #expect(!log.contains(secret))
        let mode = try FileManager.default.attributesOfItem(atPath: logURL.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func unknownLevelIsRefused() throws {
        let folder = try MailMigBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try MailMigBinary.run(["plan", "--log-file", "run.log", "--log-level", "loud"], in: folder)
        #expect(output.status != 0)
        #expect(output.stderr.contains("--log-level must be one of"))
    }
}
