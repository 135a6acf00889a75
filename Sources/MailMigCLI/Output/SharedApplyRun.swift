import Foundation
import MailMigCore

/// `apply --workers N`: opens the shared apply, starts the local workers once its queue is open,
/// watches that someone is still working, and stops the workers when it ends.
package struct SharedApplyRun {
    let plan: ExecutionPlan
    let planPath: String
    let engine: Engine
    let workers: Int
    let parallelism: Int
    let leaseSeconds: Int
    let operation: String
    let cancellation: CancellationFlag
    let progress: ApplyProgress
    let operatorPrompt: (any OperatorPrompt)?

    /// A run as the apply command's options ask.
    package init(plan: ExecutionPlan, planPath: String, engine: Engine, workers: Int, parallelism: Int, leaseSeconds: Int, operation: String,
                 cancellation: CancellationFlag, progress: ApplyProgress, operatorPrompt: (any OperatorPrompt)?) {
        self.plan = plan
        self.planPath = planPath
        self.engine = engine
        self.workers = workers
        self.parallelism = parallelism
        self.leaseSeconds = leaseSeconds
        self.operation = operation
        self.cancellation = cancellation
        self.progress = progress
        self.operatorPrompt = operatorPrompt
    }

    /// Runs the apply with its workers; throws when the state cannot be shared or a worker cannot start.
    /// Returns the report and what the workers' passes copied, read from the state (`N messages (…) copied …`).
    package func run() async throws -> (report: ApplyReport, copied: String?) {
        let started = Date()
        let local = LocalWorkers()
        let (progress, workers, parallelism, leaseSeconds, planPath) = (self.progress, self.workers, self.parallelism, self.leaseSeconds, self.planPath)
        let startError = Shared<String?>(nil)
        let watch = Shared<Task<Void, Never>?>(nil)
        // The mailboxes offered at once: what the local workers can take, or, when workers join from
        // other machines only, as many as the servers' `connections` allow (each worker's own
        // --parallelism bounds what it claims).
        let offered = workers == 0 ? Int.max : parallelism * workers
        let report = try await engine.applyShared(plan, operation: operation, parallelism: offered, leaseSeconds: leaseSeconds,
                                                  cancellation: cancellation, observer: progress, operatorPrompt: operatorPrompt) { remote in
            do {
                try local.start(count: workers, plan: planPath, parallelism: parallelism, leaseSeconds: leaseSeconds)
            } catch {
                startError.value = "cannot start a worker process: \(error)"
                Task { await remote.abandon(reason: "no worker could be started") }
                return
            }
            progress.notice(workers == 0
                ? "Waiting for workers: run `mailmig worker \(planPath)` on the machines that copy mail."
                : "Started \(workers) worker process\(workers == 1 ? "" : "es") (pid \(local.pids.map(String.init).joined(separator: ", "))); `mailmig worker \(planPath)` on other machines joins them.")
            let cancellation = self.cancellation
            watch.value = Task {
                // Ends every wait if all local workers died and no other worker renews a lease; after
                // Ctrl-C, takes back the steps no worker has claimed, so that only those in work are waited for.
                var noticed = false
                var withdrawn = false
                var ticks = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(500))
                    if cancellation.isCancelled, !withdrawn {
                        withdrawn = true
                        await remote.withdrawUnclaimed()
                    }
                    ticks += 1
                    guard ticks % 4 == 0, !remote.hasLiveWorker() else { continue }
                    if workers > 0, local.allExited {
                        await remote.abandon(reason: "every worker process stopped before this step was done (their errors are above); run mailmig apply again")
                        return
                    }
                    if workers == 0, !noticed {
                        noticed = true
                        progress.notice("No worker is running yet: run `mailmig worker \(planPath)` on a machine with the same plan file and state URL.")
                    }
                }
            }
        }
        watch.value?.cancel()
        local.finish(within: Double(leaseSeconds))
        if let error = startError.value { throw SharedApplyStartFailed(description: error) }
        let passes = Self.passResults(of: report, in: engine.store)
        let messages = passes.reduce(0) { $0 + $1.copied }
        let bytes = passes.reduce(Int64(0)) { $0 + $1.bytes }
        let found = passes.reduce(0) { $0 + $1.deduplicated + $1.reconciled }
        guard messages > 0 || found > 0 else { return (report, nil) }
        let seconds = max(0.001, Date().timeIntervalSince(started))
        var line = "\(Formatting.count(messages)) message\(messages == 1 ? "" : "s") (\(Formatting.bytes(bytes))) copied by the workers in "
            + "\(String(format: "%.1f", seconds)) s (\(String(format: "%.0f", Double(messages) / seconds)) msg/s)"
        if found > 0 { line += "; \(Formatting.count(found)) found already on the target and recorded, not copied" }
        return (report, line)
    }

    /// What the passes this apply finished recorded in the state: a worker's counts live in its own
    /// process, so the coordinator reads each mailbox's last pass back. Messages a pass found on the
    /// target (`dedupe: target`, an interrupted chunk) are in the ledger too, but were not copied.
    static func passResults(of report: ApplyReport, in store: StateStore) -> [MailPassResult] {
        report.done.compactMap { entry in
            guard let work = entry.step.work.mailPass,
                  let record = try? store.resource(MailboxRecord.address(work.source))?.decode(MailboxRecord.self) else { return nil }
            return record.lastResult
        }
    }
}

/// A worker process could not be started.
struct SharedApplyStartFailed: Error, CustomStringConvertible {
    let description: String
}

/// A value set in the queue-opened callback and read after the apply, under a lock.
private final class Shared<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
