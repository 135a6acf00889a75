import Foundation
import NIOCore
import NIOEmbedded
@testable import MailMigIMAP

/// Server bytes sent at a steady pace from a thread of its own, so that a busy test runner (whose
/// cooperative threads other suites may hold for seconds) cannot make the server fall silent.
public final class PacedFeed: @unchecked Sendable {
    // The feeding thread and the test both read and write the state; the lock guards it.
    private let lock = NSLock()
    private var stopped = false
    private var exhausted = false
    private var lastDelivery = DispatchTime.now().uptimeNanoseconds
    private var longestGap: UInt64 = 0
    private let done = DispatchSemaphore(value: 0)

    /// Sends `chunk(n)` for n = 0, 1, 2… every `interval` seconds until it returns nil or `stop()`.
    public init(_ channel: NIOAsyncTestingChannel, every interval: Double, _ chunk: @escaping @Sendable (Int) -> [UInt8]?) {
        let thread = Thread { [self] in
            var index = 0
            while !isStopped, let bytes = chunk(index) {
                channel.testingEventLoop.execute {
                    channel.pipeline.fireChannelRead(ByteBuffer(bytes: bytes))
                    channel.pipeline.fireChannelReadComplete()
                    self.noteDelivery()
                }
                index += 1
                Thread.sleep(forTimeInterval: interval)
            }
            lock.withLock { exhausted = !stopped }
            done.signal()
        }
        thread.start()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func noteDelivery() {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.withLock {
            longestGap = max(longestGap, now - lastDelivery)
            lastDelivery = now
        }
    }

    /// The longest time, in seconds, in which the client was handed no byte, up to now.
    ///
    /// A machine busy enough can hold the feeding thread or the channel's loop back for longer than
    /// a read timeout; then the server really fell silent, and a test of what chatter does learned
    /// nothing from that attempt.
    public var longestSilence: Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return lock.withLock { Double(max(longestGap, exhausted || stopped ? 0 : now - lastDelivery)) / 1e9 }
    }

    /// Whether the feed ran to its end without being stopped.
    public var ranOut: Bool { lock.withLock { exhausted } }

    /// Stops the feed and waits for its thread to finish.
    public func stop() async {
        lock.withLock { stopped = true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.done.wait()
                continuation.resume()
            }
        }
    }
}

extension IMAPClient {
    /// INBOX as selected, without a round trip: for tests whose clocks must start at the command they test.
    public func assumeInboxSelected() {
        selected = SelectedMailbox(name: "INBOX", isReadOnly: false, uidValidity: 77, uidNext: 10, highestModSeq: nil,
                                   exists: 2, flags: [], permanentFlags: [])
    }
}
