import Foundation

/// Runs a command from a plan (provisioning, enumeration) as a list of words, never through a shell.
///
/// A relative program path resolves against the plan's folder; a bare name is looked up on the PATH.
/// The command gets no standard input and is stopped after `timeout` seconds.
public enum CommandRunner {
    /// What a finished command left behind.
    public struct Outcome: Sendable {
        /// The exit status (meaningful when `exited`).
        public var status: Int32
        /// Whether it exited by itself (not stopped by the time limit or a signal).
        public var exited: Bool
        /// Standard output.
        public var output: Data
        /// Standard error.
        public var errors: Data

        /// Exited with status 0.
        public var succeeded: Bool { exited && status == 0 }

        /// The end of standard error (or of the output when there is none), trimmed, for messages.
        public var errorText: String {
            let tail = errors.isEmpty ? output.suffix(2_000) : errors.suffix(2_000)
            return String(decoding: tail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// `exited with 3: no such domain`, or `exited with 3` alone when it printed nothing;
        /// `was stopped after 120 s or by a signal` when it did not exit by itself. `errorsOnly` leaves
        /// the standard output out (when it is data, not a message).
        public func failure(timeout: TimeInterval, errorsOnly: Bool = false) -> String {
            let how = exited ? "exited with \(status)" : "was stopped after \(Int(timeout)) s or by a signal"
            let text = errorsOnly && errors.isEmpty ? "" : errorText
            return text.isEmpty ? how : "\(how): \(text)"
        }
    }

    /// A command that could not be started: its program is missing, not executable, or not on the PATH.
    public struct CannotStart: Error, Sendable, CustomStringConvertible {
        /// The program as the plan names it (`./scripts/create-user.sh`, `doveadm`).
        public var program: String
        /// Why: `there is no such file (/srv/plan/scripts/create-user.sh)`, `it is not on the PATH (/usr/bin:/bin)`.
        public var reason: String

        /// `` `./scripts/create-user.sh` cannot be started: there is no such file (/srv/plan/scripts/create-user.sh)``.
        public var description: String { "`\(program)` cannot be started: \(reason)" }
    }

    /// The program a command names: a path (relative ones against `directory`) or a bare name looked
    /// up on the command's PATH, the way a shell would.
    ///
    /// - Throws: `CannotStart` when it does not exist, is a folder, or cannot be executed.
    public static func program(_ name: String, in directory: URL, environment: [String: String]) throws(CannotStart) -> URL {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        if name.contains("/") {
            let url = directory.resolvingPlanPath(name)
            guard files.fileExists(atPath: url.path, isDirectory: &isFolder) else {
                throw CannotStart(program: name, reason: "there is no such file (\(url.path))")
            }
            guard !isFolder.boolValue, isExecutable(url.path) else {
                throw CannotStart(program: name, reason: isFolder.boolValue ? "it is a folder (\(url.path))" : "the file is not executable (\(url.path); chmod +x)")
            }
            if let interpreter = interpreter(of: url), !isExecutable(interpreter) {
                throw CannotStart(program: name, reason: "its first line names the interpreter \(interpreter), which is missing or not executable")
            }
            return url
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if files.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue, isExecutable(candidate.path) {
                return candidate
            }
        }
        throw CannotStart(program: name, reason: "it is not on the PATH (\(path))")
    }

    /// The program a script's `#!` line names, when it starts with one.
    static func interpreter(of url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 256), head.starts(with: Array("#!".utf8)) else { return nil }
        let line = head.dropFirst(2).prefix { $0 != UInt8(ascii: "\n") }
        return String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
    }

    /// Whether `path` has an execute permission bit this process may use (`access(2)`; for root, any
    /// execute bit, which Foundation's `isExecutableFile` does not look at).
    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        return access(path, X_OK) == 0 && stat(path, &info) == 0 && info.st_mode & 0o111 != 0
    }

    /// Runs `command` in `directory`; throws only when it cannot be started (`CannotStart`).
    ///
    /// The command runs in a process group of its own (Foundation's `Process` makes each child the
    /// leader of a new group), so that stopping it stops what it started too: at the time limit the
    /// group gets SIGTERM, then SIGKILL 2 s later. Its output is read on threads of their own (a
    /// blocking read must not hold a thread of Swift's cooperative pool); when it has exited but
    /// something it left running in the background still holds its output open after 2 s, that group
    /// is killed, so a finished command never keeps its caller waiting.
    public static func run(_ command: [String], in directory: URL, environment: [String: String], timeout: TimeInterval) async throws(CannotStart) -> Outcome {
        guard let program = command.first else { return Outcome(status: 127, exited: true, output: Data(), errors: Data("empty command".utf8)) }
        let process = Process()
        process.executableURL = try Self.program(program, in: directory, environment: environment)
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = directory
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            // Checked above; what is left is the system refusing it (an unsupported binary format, no memory).
            throw CannotStart(program: program, reason: "the system refused to run it (\((error as NSError).localizedFailureReason ?? error.localizedDescription))")
        }
        let pid = process.processIdentifier
        let grouped = getpgid(pid) == pid
        func signalAll(_ signal: Int32) {
            if grouped { kill(-pid, signal) } else if process.isRunning { kill(pid, signal) }
        }
        // Read while it runs, so a chatty command cannot fill a pipe and block.
        let outputReader = PipeReader(output.fileHandleForReading)
        let errorReader = PipeReader(errors.fileHandleForReading)
        let deadline = Date().addingTimeInterval(timeout)
        var stopped = false
        // Foundation's `isRunning` stays true until the command's output is closed, which a background
        // child can keep open: an exited command is a zombie until reaped, which is what is looked at.
        while process.isRunning, !Self.hasExited(pid) {
            if !stopped, Date() > deadline {
                stopped = true
                signalAll(SIGTERM)
                try? await Task.sleep(for: .seconds(2))
                signalAll(SIGKILL)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let drained = Date().addingTimeInterval(2)
        while !(outputReader.isDone && errorReader.isDone), Date() < drained { try? await Task.sleep(for: .milliseconds(20)) }
        if !(outputReader.isDone && errorReader.isDone) { signalAll(SIGKILL) }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, exited: process.terminationReason == .exit && !stopped,
                       output: await outputReader.data, errors: await errorReader.data)
    }

    /// Whether process `pid` has ended: it is gone, or a zombie not reaped yet.
    static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")"),
              let state = stat[close...].dropFirst(2).first else { return true }
        return state == "Z" || state == "X"
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {
    // `result` and `waiters` are guarded by `lock`.
    private let lock = NSLock()
    private var result: Data?
    private var waiters: [CheckedContinuation<Data, Never>] = []

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            let data = handle.readDataToEndOfFile()
            let waiting = lock.withLock {
                result = data
                defer { waiters = [] }
                return waiters
            }
            waiting.forEach { $0.resume(returning: data) }
        }
        thread.name = "mailmig command output"
        thread.start()
    }

    var isDone: Bool { lock.withLock { result != nil } }

    var data: Data {
        get async {
            await withCheckedContinuation { continuation in
                let ready: Data? = lock.withLock {
                    if let result { return result }
                    waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
