import Foundation
@testable import MailMigCore
import Testing

/// Lease renewals and the coordinator's sign of life keep their rhythm on a thread of their own.
@Suite("Heartbeat")
struct HeartbeatTests {
    @Test("beats at once and then at its interval, even while every thread of the cooperative pool is blocked; none after stop")
    func beatsBesideABlockedPool() async throws {
        let beats = Counter()
        let heartbeat = Heartbeat(every: 0.05, name: "test heartbeat") { beats.add() }
        // Block as many pool threads as there are cores, as synchronous calls to a silent state server do.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<cores { group.addTask { blockThread(seconds: 0.6) } }
        }
        heartbeat.stop()
        let counted = beats.value
        // 0.6 s at one beat per 0.05 s: about 12; a loaded machine may lose some, a task-based beat gets 0 or 1.
        #expect(counted >= 4, "only \(counted) beats while the pool was blocked")
        try await Task.sleep(for: .milliseconds(200))
        #expect(beats.value <= counted + 1, "beats went on after stop()")
    }
}

/// Blocks the calling thread, as a synchronous call to a server that does not answer does.
private func blockThread(seconds: Double) {
    usleep(UInt32(seconds * 1_000_000))
}

/// A count several threads add to.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
