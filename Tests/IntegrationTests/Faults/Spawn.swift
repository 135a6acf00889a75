import Foundation

/// Child processes for the fault suites, started with posix_spawn and waited for with waitpid: output goes
/// to temporary files, so no pipe can fill up, and no run loop is involved in noticing the exit.
enum Spawn {
    /// A finished program's exit status (128+N when killed by signal N) and output.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Both outputs.
        var text: String { stdout + stderr }
    }

    /// A started child: its pid and the files its output goes to.
    final class Child: @unchecked Sendable {
        /// The child's process id.
        let pid: pid_t
        let stdoutFile: URL
        let stderrFile: URL
        private var result: Output?

        init(pid: pid_t, stdoutFile: URL, stderrFile: URL) {
            self.pid = pid
            self.stdoutFile = stdoutFile
            self.stderrFile = stderrFile
        }

        /// Whether the child has not exited yet (reaps it when it has).
        var isRunning: Bool {
            guard result == nil else { return false }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { result = collect(status); return false }
            return reaped == 0
        }

        /// Sends a signal.
        func signal(_ number: Int32) { if result == nil { kill(pid, number) } }

        /// Waits for the exit and returns status and output.
        @discardableResult
        func wait() -> Output {
            if let result { return result }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            let output = collect(status)
            result = output
            return output
        }

        /// The standard error written so far.
        func currentErrors() -> String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

        private func collect(_ status: Int32) -> Output {
            let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            let out = (try? Data(contentsOf: stdoutFile)) ?? Data()
            let err = (try? Data(contentsOf: stderrFile)) ?? Data()
            try? FileManager.default.removeItem(at: stdoutFile)
            try? FileManager.default.removeItem(at: stderrFile)
            return Output(status: code, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
        }
    }

    /// Starts `program ARGS` (a path, or a name looked up in PATH through /usr/bin/env) in `directory`.
    static func start(_ program: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Child {
        let stamp = UUID().uuidString
        let stdoutFile = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(stamp).out")
        let stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(stamp).err")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var command = program.hasPrefix("/") ? [program] : ["/usr/bin/env", program]
        command += arguments
        if let directory { command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path] + command }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        let argv = command.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // A test runner's threads block signals; a child (bash, then a Dovecot master) would inherit that
        // mask and ignore SIGTERM and SIGCHLD, so the child starts with nothing blocked and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGTERM, SIGINT, SIGCHLD, SIGPIPE, SIGHUP, SIGUSR1, SIGUSR2] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw ScriptRunner.Failure(description: "cannot start \(program): error \(result)") }
        return Child(pid: pid, stdoutFile: stdoutFile, stderrFile: stderrFile)
    }

    /// The port a helper started with `--port-file FILE` writes once it listens (5 s at most); a
    /// helper that does not is killed and the error shows what it said.
    static func port(writtenTo file: URL, by child: Child, what: String) throws -> Int {
        for _ in 0..<100 {
            if let text = try? String(contentsOf: file, encoding: .utf8), let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return value
            }
            usleep(50_000)
        }
        child.signal(SIGKILL)
        throw ScriptRunner.Failure(description: "\(what) did not start: \(child.wait().stderr)")
    }

    /// Runs `program ARGS` to its end.
    static func run(_ program: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Output {
        try start(program, arguments, in: directory, environment: environment).wait()
    }

    /// Runs `program ARGS`; a non-zero exit throws with its output.
    @discardableResult
    static func succeed(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let output = try run(program, arguments, environment: environment)
        guard output.status == 0 else {
            throw ScriptRunner.Failure(description: "\(([program] + arguments).joined(separator: " ")) exited with \(output.status): \(output.stderr)\(output.stdout.suffix(2000))")
        }
        return output.stdout
    }

    /// `mailmig ARGS` (the built binary) in `directory`.
    static func mailmig(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Output {
        try run(MailMigBinary.url.path, arguments, in: directory, environment: environment)
    }

    /// Writes a generated corpus (scripts/corpus/generate.py) into a new temporary folder.
    static func generate(_ arguments: [String]) throws -> URL {
        let folder = try MailMigBinary.temporaryFolder().appendingPathComponent("corpus")
        try succeed("python3", [MailTestServers.corpusScript("generate.py"), "--out", folder.path] + arguments)
        return folder
    }
}
