import Testing
import MailMigSpool
#if canImport(Glibc)
import Glibc
#endif

@Suite struct MessageBytesTests {
    /// Bytes of every value, long enough to span several chunks and end in a partial one.
    static func sample(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 7) } }

    static func spooled(_ bytes: [UInt8], in pieces: Int = 3) throws -> MessageBytes {
        let file = try SpoolFile()
        let size = max(1, bytes.count / pieces)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            try file.append(Array(bytes[offset..<end]))
            offset = end
        }
        return MessageBytes(spooled: file)
    }

    @Test func aSpooledMessageReadsBackExactly() throws {
        let bytes = Self.sample(3 * MessageBytes.chunkSize + 1234)
        let body = try Self.spooled(bytes, in: 7)
        #expect(body.count == bytes.count)
        #expect(body.inMemory == nil && body.spoolFile != nil)
        #expect(try body.bytes() == bytes)
        var walked: [UInt8] = []
        var chunks = 0
        try body.forEachChunk { chunk in
            #expect(chunk.count <= MessageBytes.chunkSize)
            walked += chunk
            chunks += 1
            return true
        }
        #expect(walked == bytes)
        #expect(chunks == 4)
        #expect(Array(try body.slice(from: bytes.count - 10, count: 100)) == Array(bytes.suffix(10)))
        #expect(try body.slice(from: bytes.count, count: 10).isEmpty)
    }

    @Test func spooledAndInMemoryBytesCompareByContent() throws {
        let bytes = Self.sample(MessageBytes.chunkSize + 5)
        let spooled = try Self.spooled(bytes)
        #expect(spooled == MessageBytes(bytes))
        #expect(MessageBytes(bytes) == spooled)
        #expect(spooled.hashValue == MessageBytes(bytes).hashValue)
        var changed = bytes
        changed[changed.count - 1] ^= 0xFF
        #expect(spooled != MessageBytes(changed))
        #expect(try Self.spooled(changed) != spooled)
        #expect(spooled != MessageBytes(Array(bytes.dropLast())))
        #expect(MessageBytes([1, 2]) == [1, 2])
    }

    @Test func containsFindsAByteInAnyChunk() throws {
        var bytes = [UInt8](repeating: 0x41, count: 2 * MessageBytes.chunkSize + 3)
        #expect(try Self.spooled(bytes).contains(0) == false)
        bytes[MessageBytes.chunkSize + 17] = 0
        #expect(try Self.spooled(bytes).contains(0))
        #expect(try MessageBytes(bytes).contains(0))
    }

    @Test func prefixStopsAtAMarkerThatStraddlesTwoChunks() throws {
        var bytes = [UInt8](repeating: UInt8(ascii: "h"), count: MessageBytes.chunkSize - 2)
        bytes += Array("\r\n\r\nbody".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "b"), count: MessageBytes.chunkSize)
        let header = try Self.spooled(bytes).prefix(through: Array("\r\n\r\n".utf8))
        #expect(header.count == MessageBytes.chunkSize + 2)
        #expect(Array(header.suffix(4)) == Array("\r\n\r\n".utf8))
        #expect(try MessageBytes(bytes).prefix(through: Array("\r\n\r\n".utf8)) == header)
        #expect(try MessageBytes([1, 2, 3]).prefix(through: [9]) == [1, 2, 3])
    }

    @Test func aSpoolFileLeavesNoNameBehind() throws {
        let directory = "/tmp/mailmig-spool-test-\(UInt32.random(in: 0...UInt32.max))"
        #expect(mkdir(directory, 0o700) == 0)
        defer { rmdir(directory) }
        let file = try SpoolFile(directory: directory)
        try file.append([1, 2, 3])
        #expect(try file.read(from: 1, count: 5) == [2, 3])
        // The name is gone at once; only the open descriptor keeps the bytes.
        #expect(rmdir(directory) == 0)
        #expect(mkdir(directory, 0o700) == 0)
    }

    @Test func aSpoolDirectoryThatIsNotThereIsAClearError() {
        #expect {
            _ = try SpoolFile(directory: "/nonexistent/mailmig-spool")
        } throws: { error in
            "\(error)".contains("could not create a spool file in /nonexistent/mailmig-spool")
        }
    }
}
