import Foundation

/// scripts/oauth/server.py as a child process on a free 127.0.0.1 port: a token endpoint for
/// the client-credentials, refresh-token and JWT-bearer grants, and the introspection endpoint a
/// Dovecot `passdb oauth2` asks. Its service account's key is made by scripts/oauth/keys.sh.
final class OAuthTestServer: @unchecked Sendable {
    /// The port it listens on.
    let port: Int
    /// The folder holding the service account's keys.
    let folder: URL
    /// The service account's e-mail address (its JWT issuer).
    static let serviceAccount = "mailmig-test@oauth.test"
    private let child: Spawn.Child

    /// The token endpoint.
    var tokenURL: String { "http://127.0.0.1:\(port)/token" }
    /// The introspection endpoint, for Dovecot.
    var introspectionURL: String { "http://127.0.0.1:\(port)/introspect" }
    /// The service account's JSON key file, shaped as Google issues them.
    var keyFile: URL { folder.appendingPathComponent("service-account.json") }

    /// Starts the server with `clients` (`id:secret`), tokens that live `expiresIn` seconds, and the
    /// fault options of the script (`--fail-every 3`).
    init(clients: [String], expiresIn: Int, options: [String] = []) throws {
        folder = try MailMigBinary.temporaryFolder()
        let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/oauth")
        let portFile = folder.appendingPathComponent("port")
        // The key is made first, with a placeholder token URI that is filled in once the port is known.
        try Spawn.succeed(scripts.appendingPathComponent("keys.sh").path, [folder.path, Self.serviceAccount])
        child = try Spawn.start("python3", [scripts.appendingPathComponent("server.py").path, "--listen", "0", "--port-file", portFile.path,
                                            "--expires-in", String(expiresIn), "--max-seconds", "900",
                                            "--service-account", "\(Self.serviceAccount)=\(folder.appendingPathComponent("pub.pem").path)"]
                                + clients.flatMap { ["--client", $0] } + options)
        port = try Spawn.port(writtenTo: portFile, by: child, what: "the OAuth test server")
        let key = try String(contentsOf: keyFile, encoding: .utf8).replacingOccurrences(of: "TOKEN_URI", with: tokenURL)
        try key.write(to: keyFile, atomically: true, encoding: .utf8)
    }

    /// Makes a client's later token requests fail and its tokens inactive.
    func revoke(client: String) throws {
        try Spawn.succeed("python3", ["-c", "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], data=sys.argv[2].encode())",
                                      "http://127.0.0.1:\(port)/admin/revoke", "client_id=\(client)"])
    }

    /// The server's counters (`tokens_issued`, `token_requests`, `failures_injected`, …).
    func stats() throws -> [String: Any] {
        let text = try Spawn.succeed("python3", ["-c", "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())",
                                                 "http://127.0.0.1:\(port)/admin/stats"])
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// Stops the server and returns its log.
    @discardableResult
    func stop() -> String {
        child.signal(SIGTERM)
        let log = child.wait().stderr
        try? FileManager.default.removeItem(at: folder)
        return log
    }
}
