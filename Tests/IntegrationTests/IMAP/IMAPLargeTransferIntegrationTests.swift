import Foundation
import MailMigIMAP
import Testing

extension IMAPIntegration {
    @Suite("large messages and long streams")
    struct IMAPLargeTransferIntegrationTests {
        /// A deterministic message of about `size` bytes with CRLF lines.
        static func largeMessage(size: Int, id: String) -> [UInt8] {
            var bytes = Array("From: a@example.org\r\nSubject: large\r\nMessage-ID: <\(id)>\r\n\r\n".utf8)
            bytes.reserveCapacity(size + 100)
            var state: UInt64 = 0x1234_5678
            while bytes.count < size {
                for _ in 0..<76 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    bytes.append(UInt8(ascii: "A") + UInt8((state >> 33) % 26))
                }
                bytes.append(0x0D)
                bytes.append(0x0A)
            }
            return bytes
        }

        @Test func thirtyMegabyteMessageRoundTripsWithBoundedMemory() async throws {
            let size = 30 * 1024 * 1024
            let folder = Dovecot.uniqueName("Large")
            let bytes = Self.largeMessage(size: size, id: "\(folder)@example.org")
            let client = try await Dovecot.login("dave", on: .target)
            try await client.create(folder)
            let result = try await client.append(AppendMessage(bytes: bytes), to: folder)
            let uid = try #require(result.uid)
            try await client.select(folder)

            ProcessMemory.resetPeak()
            let baseline = ProcessMemory.resident
            var received: FetchedMessage?
            for try await message in try await client.fetch(UIDSet([uid])) { received = message }
            let growth = ProcessMemory.peak - baseline
            // The body went to a spool file as it arrived: memory holds a few socket reads of it, not the message.
            #expect(received?.body == nil && received?.spooledBody?.count == bytes.count)
            #expect(growth < 8 * 1024 * 1024, "fetching \(bytes.count) bytes grew memory by \(growth)")
            print("30 MiB message: peak memory growth during fetch \(growth) bytes")
            #expect(try received?.content?.bytes() == bytes)
            try await client.unselect()
            try await client.delete(folder)
            try await client.logout()
        }

        /// The server is held back while the consumer is slow: memory does not follow the folder size.
        @Test func slowConsumerHoldsTheServerBack() async throws {
            let folder = Dovecot.uniqueName("Backpressure")
            let client = try await Dovecot.login("carol", on: .target)
            try await client.create(folder)
            let message = AppendMessage(bytes: Self.largeMessage(size: 1024 * 1024, id: "\(folder)@example.org"))
            _ = try await client.append(Array(repeating: message, count: 60), to: folder)
            try await client.select(folder)

            let before = await client.bytesReceived
            let stream = try await client.fetch(.all)
            var iterator = stream.makeAsyncIterator()
            _ = try await iterator.next()
            try await Task.sleep(nanoseconds: 1_500_000_000)  // time enough for the server to send all 60 MB
            let readWhilePaused = await client.bytesReceived - before
            // Queue, channel buffer and one partly read response: a handful of messages, not the folder.
            #expect(readWhilePaused < 10 * 1024 * 1024, "a paused stream still read \(readWhilePaused) bytes")
            print("paused stream over 60 x 1 MiB: \(readWhilePaused) bytes read while paused")
            var count = 1
            while try await iterator.next() != nil { count += 1 }
            #expect(count == 60)
            #expect(await client.bytesReceived - before > 60 * 1024 * 1024)
            try await client.unselect()
            try await client.delete(folder)
            try await client.logout()
        }

        @Test func fiveThousandMessagesInOnePipelinedStream() async throws {
            let folder = Dovecot.uniqueName("Bulk")
            let client = try await Dovecot.login("carol", on: .source)
            try await client.create(folder)
            let clock = ContinuousClock()
            let appendStart = clock.now
            var appended: [UInt32] = []
            for batch in 0..<10 {
                let messages = (0..<500).map { index in
                    AppendMessage(bytes: IMAPMessageIntegrationTests.message("bulk \(batch * 500 + index)", id: "\(batch * 500 + index)@\(folder)"),
                                  flags: index % 2 == 0 ? ["\\Seen"] : [])
                }
                appended += try await client.append(messages, to: folder).compactMap(\.uid)
            }
            let appendTime = clock.now - appendStart
            #expect(appended.count == 5000)

            try await client.examine(folder)
            let fetchStart = clock.now
            var uids: [UInt32] = []
            var bytes = 0
            for try await message in try await client.fetch(.all) {
                uids.append(message.uid)
                bytes += message.content?.count ?? 0
            }
            let fetchTime = clock.now - fetchStart
            #expect(uids == appended)
            print("5000 messages: append \(appendTime), fetch \(fetchTime), \(bytes) bytes")
            try await client.unselect()
            try await client.delete(folder)
            try await client.logout()
        }
    }
}
