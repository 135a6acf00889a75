import Foundation

/// A private pair of Dovecot instances (scripts/testenv/dovecot.sh with its own folder and ports) for the
/// fault suites: they restart a server, fill a user over quota and put a proxy in front, which must never
/// disturb the shared instances other suites use. Started with the quota plugin (`MAILMIG_DOVECOT_QUOTA=1`).
final class PrivateDovecot: @unchecked Sendable {
    /// One of the two instances.
    enum Instance: String, Sendable {
        case source
        case target
    }

    /// The folder holding the instances' configuration, mail, certificates and env file.
    let folder: URL
    /// Plain (STARTTLS) and implicit-TLS ports of source and target.
    let sourcePort: Int, sourceTLSPort: Int, targetPort: Int, targetTLSPort: Int
    /// POP3 ports (plain with STLS, and implicit TLS) of source and target: dovecot.sh's defaults
    /// belong to the shared instances, so a private pair needs its own.
    let sourcePOP3Port: Int, sourcePOP3TLSPort: Int, targetPOP3Port: Int, targetPOP3TLSPort: Int
    /// The master user's password (dovecot.sh's fixed test value).
    let adminPassword = "secret-admin"
    /// The master user.
    let adminUser = "admin"

    /// The source's personal namespace prefix (`INBOX.`), empty for none.
    let sourcePrefix: String
    /// Whether the source has a public namespace (`Public.`) and other users' (`Users.<user>.`).
    let sourceShared: Bool
    /// The introspection URL both instances check OAuth 2 tokens at (XOAUTH2, OAUTHBEARER), if any.
    let oauth2IntrospectionURL: String?
    /// Whether the source has a virtual `All Mail` folder marked `\All`, holding every message of the
    /// user's other folders but Trash and Junk, as Gmail's `[Gmail]/All Mail` does.
    let sourceAllMail: Bool

    /// Starts both instances on free ports in 25000–29999; the source's personal namespace gets
    /// `sourcePrefix` (`INBOX.`, as Courier and Cyrus have).
    init(sourcePrefix: String = "", sourceShared: Bool = false, oauth2IntrospectionURL: String? = nil, sourceAllMail: Bool = false) throws {
        self.sourcePrefix = sourcePrefix
        self.sourceShared = sourceShared
        self.oauth2IntrospectionURL = oauth2IntrospectionURL
        self.sourceAllMail = sourceAllMail
        folder = try MailMigBinary.temporaryFolder()
        let base = 25000 + 10 * Int.random(in: 0..<490)
        var ports: [Int] = []
        var candidate = base
        while ports.count < 8, candidate < 30000 {
            if FreePort.isFree(candidate) { ports.append(candidate) }
            candidate += 1
        }
        guard ports.count == 8 else { throw ScriptRunner.Failure(description: "no eight free ports from \(base)") }
        (sourcePort, sourceTLSPort, targetPort, targetTLSPort) = (ports[0], ports[1], ports[2], ports[3])
        (sourcePOP3Port, sourcePOP3TLSPort, targetPOP3Port, targetPOP3TLSPort) = (ports[4], ports[5], ports[6], ports[7])
        try script(["start"])
    }

    /// The environment dovecot.sh needs to address this pair.
    var environment: [String: String] {
        [
            "MAILMIG_TESTENV_DIR": folder.path,
            "MAILMIG_DOVECOT_SOURCE_PORT": String(sourcePort),
            "MAILMIG_DOVECOT_SOURCE_TLS_PORT": String(sourceTLSPort),
            "MAILMIG_DOVECOT_TARGET_PORT": String(targetPort),
            "MAILMIG_DOVECOT_TARGET_TLS_PORT": String(targetTLSPort),
            "MAILMIG_DOVECOT_SOURCE_POP3_PORT": String(sourcePOP3Port),
            "MAILMIG_DOVECOT_SOURCE_POP3_TLS_PORT": String(sourcePOP3TLSPort),
            "MAILMIG_DOVECOT_TARGET_POP3_PORT": String(targetPOP3Port),
            "MAILMIG_DOVECOT_TARGET_POP3_TLS_PORT": String(targetPOP3TLSPort),
            "MAILMIG_DOVECOT_QUOTA": "1",
            "MAILMIG_DOVECOT_SOURCE_PREFIX": sourcePrefix,
            "MAILMIG_DOVECOT_SOURCE_SHARED": sourceShared ? "1" : "",
            "MAILMIG_DOVECOT_OAUTH2_INTROSPECTION_URL": oauth2IntrospectionURL ?? "",
            "MAILMIG_DOVECOT_SOURCE_ALL_MAIL": sourceAllMail ? "1" : "",
        ]
    }

    /// The pair's certificates: `ca.crt`, `server.crt`/`.key` (chained to the CA), `selfsigned.crt`/`.key`.
    func certificate(_ name: String) -> String { folder.appendingPathComponent("dovecot/certs/\(name)").path }

    /// Runs dovecot.sh for this pair; a non-zero exit throws.
    @discardableResult
    func script(_ arguments: [String]) throws -> String {
        let path = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/testenv/dovecot.sh").path
        return try Spawn.succeed(path, arguments, environment: environment)
    }

    /// Adds a login (with a storage quota such as "100K" when given).
    func addUser(_ name: String, on instance: Instance, quota: String? = nil) throws {
        try script(["add-user", instance.rawValue, name, "flt-user-password"] + (quota.map { [$0] } ?? []))
    }

    /// Plain port of an instance.
    func port(_ instance: Instance) -> Int { instance == .source ? sourcePort : targetPort }
    /// Implicit-TLS port of an instance.
    func tlsPort(_ instance: Instance) -> Int { instance == .source ? sourceTLSPort : targetTLSPort }

    /// Loads a corpus folder into a user by APPEND.
    func load(_ directory: URL, into user: String, on instance: Instance = .source) throws {
        try Spawn.succeed("python3", [MailTestServers.corpusScript("load.py"), "--port", String(tlsPort(instance)),
                                                  "--ca-file", certificate("ca.crt"), "--separator", instance == .source ? "." : "/",
                                                  "--admin", adminUser, "--admin-password", adminPassword, "--user", user, directory.path])
    }

    /// Adds a source and a target login and loads a generated mailbox of `messages` messages (scripts/corpus,
    /// seeded, no attachments unless `generatorOptions` asks for them) into the source one.
    func addPair(source: String, target: String, messages: Int, seed: Int, generatorOptions: [String] = []) throws {
        try addUser(source, on: .source)
        try addUser(target, on: .target)
        let corpus = try Spawn.generate(["--mailboxes", "1", "--messages", String(messages), "--seed", String(seed)] + generatorOptions)
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        try load(corpus.appendingPathComponent("mbox01"), into: source)
    }

    /// What a user's mailbox holds, read over IMAP with scripts/corpus/dump.py.
    func snapshot(_ user: String, on instance: Instance) throws -> MailboxSnapshot {
        let output = try Spawn.succeed("python3", [MailTestServers.corpusScript("dump.py"), "--port", String(tlsPort(instance)),
                                                               "--ca-file", certificate("ca.crt"), "--admin", adminUser,
                                                               "--admin-password", adminPassword, "--user", user])
        return try JSONDecoder().decode(MailboxSnapshot.self, from: Data(output.utf8))
    }

    /// Stops only the target (a server going away mid-run).
    func stopTarget() throws {
        let config = folder.appendingPathComponent("dovecot/target/run/master.pid")
        let text = try String(contentsOf: config, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text) else { throw ScriptRunner.Failure(description: "no target pid in \(config.path)") }
        kill(pid, SIGTERM)
        for _ in 0..<100 where kill(pid, 0) == 0 { usleep(100_000) }
    }

    /// Starts whatever is stopped again (dovecot.sh start leaves a running instance alone).
    func startAgain() throws { try script(["start"]) }

    /// Stops both instances and removes everything.
    func remove() {
        let pids = ["source", "target"].compactMap { name -> pid_t? in
            let file = folder.appendingPathComponent("dovecot/\(name)/run/master.pid")
            return (try? String(contentsOf: file, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        _ = try? script(["stop"])
        // A master that did not stop on SIGTERM (it should) must not outlive the test.
        for pid in pids where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Whether a TCP port on 127.0.0.1 is free to listen on.
enum FreePort {
    /// Tries to bind the port.
    static func isFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}
