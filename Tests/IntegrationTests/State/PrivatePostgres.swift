import Foundation

/// A PostgreSQL server of one test's own (scripts/testenv/postgres.sh with its own port, cluster and
/// env file), so that the test can stop and start it under a running apply without disturbing the
/// suites that share the test server.
final class PrivatePostgres: @unchecked Sendable {
    /// The folder holding the env file the script writes.
    let folder: URL
    /// The port it listens on, on 127.0.0.1.
    let port: Int
    /// `MAILMIG_PG_URL` of this server: role, password, address and database.
    private(set) var url = ""

    /// Initialises a cluster on a free port in 30000–34999 and starts it.
    init() throws {
        folder = try MailMigBinary.temporaryFolder()
        var candidate = 30000 + Int.random(in: 0..<4900)
        while !FreePort.isFree(candidate), candidate < 35000 { candidate += 1 }
        guard candidate < 35000 else { throw ScriptRunner.Failure(description: "no free port for a private PostgreSQL") }
        port = candidate
        try start()
    }

    /// What postgres.sh needs to address this server.
    var environment: [String: String] {
        ["MAILMIG_TESTENV_DIR": folder.path, "MAILMIG_TEST_PG_PORT": String(port),
         "MAILMIG_TEST_PG_DIR": "/var/tmp/mailmig-test-postgres-private-\(port)"]
    }

    /// Starts the server (again) and reads its URL.
    func start() throws {
        try script("start")
        let text = try String(contentsOf: folder.appendingPathComponent("postgres.env"), encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("export MAILMIG_PG_URL=") }) else {
            throw ScriptRunner.Failure(description: "postgres.sh wrote no MAILMIG_PG_URL")
        }
        // printf %q quotes only what needs it; the URL has no character that does.
        url = String(line.dropFirst("export MAILMIG_PG_URL=".count))
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are ended, new connections refused).
    func stop() throws { try script("stop") }

    /// Freezes the server and every session of it with SIGSTOP: connections stay open and nothing
    /// answers, as with a hung machine or a network that drops packets.
    func freeze() throws { try signalAll(SIGSTOP) }

    /// Lets a frozen server go on (SIGCONT).
    func thaw() throws { try signalAll(SIGCONT) }

    /// Sends `signal` to the postmaster and its children.
    private func signalAll(_ signal: Int32) throws {
        let pidFile = environment["MAILMIG_TEST_PG_DIR"]! + "/data/postmaster.pid"
        let text = try String(contentsOfFile: pidFile, encoding: .utf8)
        guard let line = text.split(separator: "\n").first, let postmaster = Int32(line) else {
            throw ScriptRunner.Failure(description: "no postmaster pid in \(pidFile)")
        }
        let children = (try? Spawn.succeed("pgrep", ["-P", String(postmaster)])) ?? ""
        // The postmaster first on SIGSTOP (so it starts no new session), last on SIGCONT.
        let pids = [postmaster] + children.split(separator: "\n").compactMap { Int32($0) }
        for pid in signal == SIGCONT ? pids.reversed() : pids { kill(pid, signal) }
    }

    /// Stops the server and removes its cluster.
    func remove() {
        try? thaw()
        try? stop()
        try? FileManager.default.removeItem(atPath: environment["MAILMIG_TEST_PG_DIR"]!)
        try? FileManager.default.removeItem(at: folder)
    }

    private func script(_ action: String) throws {
        let path = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/testenv/postgres.sh").path
        try Spawn.succeed(path, [action], environment: environment)
    }
}
