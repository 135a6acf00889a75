import Foundation

/// scripts/gmail/proxy.py run as a child process on a free 127.0.0.1 port: a private Dovecot seen as
/// Gmail (X-GM-EXT-1: X-GM-MSGID and X-GM-LABELS read from the user's folders with doveadm, `UID STORE
/// +X-GM-LABELS` done as `UID COPY`), behind implicit TLS with the Dovecot's certificate.
final class GmailProxy: @unchecked Sendable {
    /// The port mailmig connects to.
    let port: Int
    private let child: Spawn.Child
    private var log: String?

    /// Starts the proxy in front of `instance` of `servers`, answering for `user`.
    init(servers: PrivateDovecot, instance: PrivateDovecot.Instance, user: String) throws {
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("gmailproxy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: portFile) }
        let name = instance == .source ? "source" : "target"
        child = try Spawn.start("python3", [
            TestEnvironment.repositoryRoot.appendingPathComponent("scripts/gmail/proxy.py").path,
            "--listen", "0", "--port-file", portFile.path, "--target", "127.0.0.1:\(servers.port(instance))",
            "--doveadm-config", servers.folder.appendingPathComponent("dovecot/\(name)/dovecot.conf").path, "--user", user,
            "--separator", instance == .source ? "." : "/", "--max-seconds", "900",
            "--tls-cert", servers.certificate("server.crt"), "--tls-key", servers.certificate("server.key"),
        ])
        port = try Spawn.port(writtenTo: portFile, by: child, what: "the Gmail proxy")
    }

    /// Stops the proxy and returns its log: `append TAG` per APPEND, `label TAG FOLDER` per label store.
    @discardableResult
    func stop() -> String {
        if let log { return log }
        child.signal(SIGTERM)
        let text = child.wait().stderr
        log = text
        return text
    }

    /// The lines of the log that start with `prefix` (stops the proxy).
    func lines(_ prefix: String) -> [String] {
        stop().split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }
}
