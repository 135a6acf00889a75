import Foundation

/// A proxy script of the project run as a child process on a free 127.0.0.1 port, which it writes to
/// a file once it listens, and which logs to standard error: what `FaultProxy` and `GmailProxy` share.
final class ProxyProcess: @unchecked Sendable {
    /// The port the proxy listens on.
    let port: Int
    private let child: Spawn.Child
    private var log: String?

    /// Runs `scripts/<script>` with `arguments` and `--listen 0 --port-file …`; `what` names it in errors.
    init(script: String, arguments: [String], what: String) throws {
        let portFile = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: portFile) }
        child = try Spawn.start("python3", [TestEnvironment.repositoryRoot.appendingPathComponent("scripts/\(script)").path,
                                            "--listen", "0", "--port-file", portFile.path] + arguments)
        port = try Spawn.port(writtenTo: portFile, by: child, what: what)
    }

    /// Stops the proxy (SIGTERM) and returns its log; later calls return the same log.
    @discardableResult
    func stop() -> String {
        if let log { return log }
        child.signal(SIGTERM)
        let text = child.wait().stderr
        log = text
        return text
    }
}
