import Foundation

/// scripts/gmail/proxy.py run as a child process on a free 127.0.0.1 port: a private Dovecot seen as
/// Gmail (X-GM-EXT-1: X-GM-MSGID and X-GM-LABELS read from the user's folders with doveadm, `UID STORE
/// +X-GM-LABELS` done as `UID COPY`), behind implicit TLS with the Dovecot's certificate.
final class GmailProxy: @unchecked Sendable {
    private let process: ProxyProcess

    /// The port mailmig connects to.
    var port: Int { process.port }

    /// Starts the proxy in front of `instance` of `servers`, answering for `user`.
    init(servers: PrivateDovecot, instance: PrivateDovecot.Instance, user: String) throws {
        let name = instance == .source ? "source" : "target"
        process = try ProxyProcess(script: "gmail/proxy.py", arguments: [
            "--target", "127.0.0.1:\(servers.port(instance))",
            "--doveadm-config", servers.folder.appendingPathComponent("dovecot/\(name)/dovecot.conf").path, "--user", user,
            "--separator", instance == .source ? "." : "/", "--max-seconds", "900",
            "--tls-cert", servers.certificate("server.crt"), "--tls-key", servers.certificate("server.key"),
        ], what: "the Gmail proxy")
    }

    /// Stops the proxy and returns its log: `append TAG` per APPEND, `label TAG FOLDER` per label store.
    @discardableResult
    func stop() -> String { process.stop() }

    /// The lines of the log that start with `prefix` (stops the proxy).
    func lines(_ prefix: String) -> [String] {
        stop().split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }
}
