#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a message: in memory, or, when too large to hold, in a `SpoolFile`.
///
/// Whoever reads a message either takes it whole (`bytes()`) or walks it in chunks
/// (`forEachChunk`), so a spooled message is never held whole by the paths that copy it.
public struct MessageBytes: Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    private enum Storage: Sendable {
        case memory([UInt8])
        case spooled(SpoolFile)
    }

    private let storage: Storage

    /// Bytes held in memory.
    public init(_ bytes: [UInt8]) { storage = .memory(bytes) }

    /// Bytes held in a spool file, which must not be written to any more.
    public init(spooled file: SpoolFile) { storage = .spooled(file) }

    /// Bytes held in memory.
    public init(arrayLiteral elements: UInt8...) { storage = .memory(elements) }

    /// The size in bytes.
    public var count: Int {
        switch storage {
        case .memory(let bytes): return bytes.count
        case .spooled(let file): return file.count
        }
    }

    /// Whether there are no bytes.
    public var isEmpty: Bool { count == 0 }

    /// The bytes when they are in memory; nil for a spooled message.
    public var inMemory: [UInt8]? {
        if case .memory(let bytes) = storage { return bytes }
        return nil
    }

    /// The spool file holding the bytes, nil when they are in memory.
    public var spoolFile: SpoolFile? {
        if case .spooled(let file) = storage { return file }
        return nil
    }

    /// The size of the chunks `forEachChunk` hands out from a spool file, in bytes.
    public static let chunkSize = 256 * 1024

    /// All the bytes; for a spooled message this reads the whole file into memory.
    ///
    /// - Throws: `SpoolError` when the spool file cannot be read.
    public func bytes() throws -> [UInt8] {
        switch storage {
        case .memory(let bytes): return bytes
        case .spooled(let file): return try file.read(from: 0, count: file.count)
        }
    }

    /// Calls `body` with consecutive chunks of at most `chunkSize` bytes (one chunk, the whole, when in
    /// memory), stopping early when `body` returns false.
    ///
    /// - Throws: `SpoolError`, or what `body` throws.
    public func forEachChunk(_ body: (ArraySlice<UInt8>) throws -> Bool) throws {
        switch storage {
        case .memory(let bytes):
            _ = try body(bytes[...])
        case .spooled(let file):
            var offset = 0
            while offset < file.count {
                let chunk = try file.read(from: offset, count: Self.chunkSize)
                guard !chunk.isEmpty, try body(chunk[...]) else { return }
                offset += chunk.count
            }
        }
    }

    /// The bytes from `offset`, at most `count` of them.
    ///
    /// - Throws: `SpoolError` when the spool file cannot be read.
    public func slice(from offset: Int, count wanted: Int) throws -> ArraySlice<UInt8> {
        switch storage {
        case .memory(let bytes):
            let start = min(max(0, offset), bytes.count)
            return bytes[start..<min(bytes.count, start + max(0, wanted))]
        case .spooled(let file):
            return try file.read(from: offset, count: wanted)[...]
        }
    }

    /// Whether `byte` occurs anywhere.
    ///
    /// - Throws: `SpoolError` when the spool file cannot be read.
    public func contains(_ byte: UInt8) throws -> Bool {
        var found = false
        try forEachChunk { chunk in
            // memchr, not a loop over the elements: every message copied is scanned for NUL, and the
            // element loop took a twentieth of the copy's CPU time.
            found = chunk.withUnsafeBytes { raw in
                guard let start = raw.baseAddress else { return false }
                return memchr(start, Int32(byte), raw.count) != nil
            }
            return !found
        }
        return found
    }

    /// The leading bytes up to and including the first occurrence of `marker`, or all of them when it
    /// does not occur: e.g. a message's header up to its blank line, read without the rest.
    ///
    /// - Throws: `SpoolError` when the spool file cannot be read.
    public func prefix(through marker: [UInt8]) throws -> [UInt8] {
        if let bytes = inMemory { return Self.prefix(of: bytes[...], through: marker).map(Array.init) ?? bytes }
        var collected: [UInt8] = []
        try forEachChunk { chunk in
            // The marker may straddle two chunks: search from just before the new chunk.
            let searchFrom = max(0, collected.count - marker.count + 1)
            collected += chunk
            if let found = Self.prefix(of: collected[searchFrom...], through: marker) {
                collected.removeSubrange(found.endIndex...)
                return false
            }
            return true
        }
        return collected
    }

    /// `bytes` up to and including the first `marker`, nil when it does not occur.
    private static func prefix(of bytes: ArraySlice<UInt8>, through marker: [UInt8]) -> ArraySlice<UInt8>? {
        guard !marker.isEmpty, bytes.count >= marker.count else { return nil }
        var index = bytes.startIndex
        while index <= bytes.endIndex - marker.count {
            if bytes[index] == marker[0], bytes[index..<(index + marker.count)].elementsEqual(marker) {
                return bytes[bytes.startIndex..<(index + marker.count)]
            }
            index += 1
        }
        return nil
    }

    /// Whether both hold the same bytes; a spool file that cannot be read equals only itself.
    public static func == (lhs: MessageBytes, rhs: MessageBytes) -> Bool {
        if case .spooled(let left) = lhs.storage, case .spooled(let right) = rhs.storage, left === right { return true }
        guard lhs.count == rhs.count else { return false }
        if let left = lhs.inMemory, let right = rhs.inMemory { return left == right }
        var offset = 0
        var same = true
        do {
            try lhs.forEachChunk { chunk in
                let other = try rhs.slice(from: offset, count: chunk.count)
                same = other.elementsEqual(chunk)
                offset += chunk.count
                return same
            }
        } catch {
            return false
        }
        return same
    }

    /// Whether `lhs` holds exactly `rhs`.
    public static func == (lhs: MessageBytes, rhs: [UInt8]) -> Bool { lhs == MessageBytes(rhs) }

    /// Hashes the size and the first bytes, which both kinds of storage give alike.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine((try? slice(from: 0, count: 64)).map(Array.init) ?? [])
    }

    /// The size, and where the bytes are kept.
    public var description: String {
        switch storage {
        case .memory(let bytes): return "\(bytes.count) bytes"
        case .spooled(let file): return "\(file.count) bytes (spooled)"
        }
    }
}
