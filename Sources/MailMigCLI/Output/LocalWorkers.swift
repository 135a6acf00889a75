import Foundation

/// The worker processes `apply --workers N` starts on this machine: the same executable running
/// `mailmig worker PLAN`, their output reduced to errors, stopped with the apply.
package final class LocalWorkers: @unchecked Sendable {
    private let lock = NSLock()
    private var processes: [Process] = []

    /// No workers yet.
    package init() {}

    /// Starts `count` workers on the plan; throws when the executable cannot be started.
    package func start(count: Int, plan: String, parallelism: Int, leaseSeconds: Int) throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let program = FileManager.default.isExecutableFile(atPath: executable.path)
            ? executable : URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        for _ in 0..<count {
            let process = Process()
            process.executableURL = program
            process.arguments = ["worker", plan, "--parallelism", "\(parallelism)", "--lease", "\(leaseSeconds)", "--wait", "120", "--quiet", "--no-color"]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            lock.withLock { processes.append(process) }
        }
    }

    /// The workers' process ids.
    package var pids: [Int32] { lock.withLock { processes.map(\.processIdentifier) } }

    /// Whether every worker started has exited.
    package var allExited: Bool { lock.withLock { !processes.isEmpty && processes.allSatisfy { !$0.isRunning } } }

    /// Waits up to `seconds` for the workers to leave by themselves (they do once the apply is
    /// closed), then stops those still running (SIGTERM, and SIGKILL `stopGrace` seconds later): no
    /// worker outlives its apply. The journal and the ledger let the next apply settle what a stopped
    /// worker left half-done.
    package func finish(within seconds: Double, stopGrace: Double = 15) {
        let running = lock.withLock { processes }
        func awaitExit(until deadline: Date) {
            while running.contains(where: \.isRunning), Date() < deadline { usleep(100_000) }
        }
        awaitExit(until: Date().addingTimeInterval(seconds))
        for process in running where process.isRunning { process.terminate() }
        awaitExit(until: Date().addingTimeInterval(stopGrace))
        for process in running where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in running { process.waitUntilExit() }
    }
}
