import Foundation

/// A temporary folder with a mail-only plan for the fault suites: source and target given as endpoints
/// (a private Dovecot, or the fault proxy in front of one), mailboxes by bare login name.
struct FaultPlan {
    /// Where mailmig connects for one side.
    struct Endpoint {
        var port: Int
        /// `starttls` or `implicit`.
        var tls: String
        /// The CA to trust; nil: the system's roots.
        var caFile: String?
        /// Written as `verify_certificates: false` when false.
        var verifyCertificates = true
        /// `connections:` of the side.
        var connections = 2
        /// More YAML of the side (`throttling: { … }`), one line, without indentation.
        var settings = ""
        /// The side's `login:` mapping as YAML lines without indentation; nil: the master user.
        var login: String?
    }

    let folder: URL
    var source: Endpoint
    var target: Endpoint
    /// (source login, target login) pairs.
    var mailboxes: [(String, String)]
    /// Extra top-level YAML appended to the plan.
    var extra = ""

    /// Writes mailmig.yaml into a new temporary folder.
    init(source: Endpoint, target: Endpoint, mailboxes: [(String, String)], extra: String = "") throws {
        folder = try MailMigBinary.temporaryFolder()
        self.source = source
        self.target = target
        self.mailboxes = mailboxes
        self.extra = extra
        try write()
    }

    /// A plan whose source is the private source Dovecot reached through `proxy` (implicit TLS, the
    /// proxy's certificate) and whose target is the private target Dovecot, directly (STARTTLS).
    init(sourceVia proxy: FaultProxy, servers: PrivateDovecot, mailboxes: [(String, String)]) throws {
        let ca = servers.certificate("ca.crt")
        try self.init(source: Endpoint(port: proxy.port, tls: "implicit", caFile: ca),
                      target: Endpoint(port: servers.targetPort, tls: "starttls", caFile: ca), mailboxes: mailboxes)
    }

    var planPath: URL { folder.appendingPathComponent("mailmig.yaml") }

    /// Writes (again) mailmig.yaml.
    func write() throws {
        func side(_ endpoint: Endpoint) -> String {
            var imap = "host: 127.0.0.1, port: \(endpoint.port), tls: \(endpoint.tls)"
            if let ca = endpoint.caFile { imap += ", ca_file: \"\(ca)\"" }
            if !endpoint.verifyCertificates { imap += ", verify_certificates: false" }
            let login = (endpoint.login ?? "style: master-user\nadmin: { user: admin, password: \"env:FAULTS_ADMIN_PASSWORD\" }\nuser_format: \"{localpart}\"")
                .split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            return """
              imap: { \(imap) }
              login:
            \(login)
              connections: \(endpoint.connections)
            \(endpoint.settings.isEmpty ? "" : "  " + endpoint.settings + "\n")
            """
        }
        var text = "mailmig: 1\nname: fault-tests\nsource:\n" + side(source) + "target:\n" + side(target) + "mailboxes:\n"
        for (from, to) in mailboxes {
            text += "  - { source: \(from)@acme.test, target: \(to)@newmail.test }\n"
        }
        text += extra
        try text.write(to: planPath, atomically: true, encoding: .utf8)
    }

    /// The environment mailmig runs with (the admin password as the plan's `env:` secret).
    static let environment = ["FAULTS_ADMIN_PASSWORD": "secret-admin"]

    /// `mailmig ARGS` in the plan's folder.
    func mailmig(_ arguments: [String], environment: [String: String] = [:]) throws -> Spawn.Output {
        try Spawn.mailmig(arguments, in: folder, environment: Self.environment.merging(environment) { $1 })
    }

    /// Runs `mailmig apply --auto-approve` until it exits 0, at most `limit` times; returns the runs needed
    /// (nil: never succeeded) and every run's output.
    func applyUntilDone(limit: Int = 8) throws -> (runs: Int?, log: String) {
        var log = ""
        for run in 1...limit {
            let output = try mailmig(["apply", "--auto-approve"])
            log += "--- run \(run): exit \(output.status)\n\(output.stdout)\(output.stderr)"
            if output.status == 0 { return (run, log) }
        }
        return (nil, log)
    }

    /// Removes the folder.
    func remove() { try? FileManager.default.removeItem(at: folder) }
}
