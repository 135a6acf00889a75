import NIOCore
import NIOEmbedded
import Synchronization
import Testing
@testable import MailMigIMAP

@Suite("Outbound window")
struct OutboundWindowTests {
    @Test("a writer waits while more than the window is written but unsent, and goes on once the socket took it")
    func writerWaitsForTheSocket() async throws {
        let window = OutboundWindow(limit: 1_000)
        let channel = EmbeddedChannel(handler: window)
        window.handOver(600)
        await window.waitForRoom()
        window.handOver(600)
        let resumed = Atomic<Bool>(false)
        let waiting = Task {
            await window.waitForRoom()
            resumed.store(true, ordering: .sequentiallyConsistent)
        }
        try await Task.sleep(nanoseconds: 100_000_000)
        let early = resumed.load(ordering: .sequentiallyConsistent)
        #expect(!early, "1,200 bytes outstanding: the writer waits")
        try channel.writeAndFlush(ByteBuffer(repeating: 0x61, count: 600)).wait()
        await waiting.value
        let late = resumed.load(ordering: .sequentiallyConsistent)
        #expect(late)
        #expect(window.pending == 600)
        _ = try channel.finish()
    }

    @Test("a closed connection lets every waiting writer on")
    func closeReleasesWriters() async throws {
        let window = OutboundWindow(limit: 10)
        let channel = EmbeddedChannel(handler: window)
        window.handOver(100)
        let waiting = Task { await window.waitForRoom() }
        try await Task.sleep(nanoseconds: 50_000_000)
        _ = try channel.finish()
        await waiting.value
        await window.waitForRoom()
    }
}
