import Foundation
import MailMigIMAP

/// How to reach the Dovecot instances started by `scripts/testenv/dovecot.sh`.
enum Dovecot {
    enum Instance: String {
        case source = "SOURCE"
        case target = "TARGET"
    }

    static func host(_ instance: Instance) throws -> String { try TestEnvironment.require("MAILMIG_TEST_IMAP_\(instance.rawValue)_HOST") }

    static func configuration(_ instance: Instance, tls: IMAPConfiguration.TLSMode = .implicit,
                              trust: IMAPConfiguration.Trust? = nil, readTimeout: Double = 60) throws -> IMAPConfiguration {
        let port = try TestEnvironment.requireInt(
            tls == .implicit ? "MAILMIG_TEST_IMAP_\(instance.rawValue)_TLS_PORT" : "MAILMIG_TEST_IMAP_\(instance.rawValue)_PORT")
        let caFile = try TestEnvironment.require("MAILMIG_TEST_IMAP_CA_FILE")
        return IMAPConfiguration(host: try host(instance), port: port, tls: tls, trust: trust ?? .caFile(caFile),
                                 connectTimeout: 10, readTimeout: readTimeout, label: "dovecot-\(instance.rawValue.lowercased())")
    }

    static func password(_ user: String) throws -> String {
        try TestEnvironment.require("MAILMIG_TEST_IMAP_PASSWORD_\(user.uppercased())")
    }

    /// A logged-in client for `user` (LOGIN over implicit TLS).
    static func login(_ user: String, on instance: Instance = .source, readTimeout: Double = 60) async throws -> IMAPClient {
        let client = try await IMAPClient.connect(try configuration(instance, readTimeout: readTimeout))
        try await client.login(.login(user: user, password: try password(user)))
        return client
    }

    /// A name no earlier run has used, so the tests pass when run repeatedly.
    static func uniqueName(_ base: String) -> String {
        "\(base)-\(UInt64(Date().timeIntervalSince1970 * 1000))-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The real-world corpus shared with the migration work; its absence is a clear failure.
    static func corpusDirectory() throws -> URL {
        let url = TestEnvironment.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/real")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CorpusMissing(path: url.path)
        }
        return url
    }

    struct CorpusMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "the message corpus is missing at \(path) (expected <repo>/../shared/corpus/real)" }
    }
}

/// Resident memory of this process, from /proc (Linux).
enum ProcessMemory {
    static func value(_ key: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return digits * 1024
        }
        return 0
    }

    /// Current resident set size in bytes.
    static var resident: Int { value("VmRSS") }
    /// Peak resident set size in bytes since the last `resetPeak()`.
    static var peak: Int { value("VmHWM") }

    /// Resets the peak counter (writing 5 to clear_refs).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
