#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes kept in an unlinked temporary file instead of memory: a message body too large to hold.
///
/// The file's name is removed as soon as it is created, so nothing is left behind however the process
/// ends; its space is freed when the last reference goes. One writer fills it (`append`), then any
/// number of readers read it (`read(from:count:)`, positioned reads that share no offset).
public final class SpoolFile: @unchecked Sendable {
    // `count` changes only while the single writer fills the file, before the file is handed on;
    // reads are positioned (pread), so readers on several threads do not interfere.
    private let descriptor: Int32
    /// The directory the file was created in, for error messages.
    public let directory: String
    /// The bytes written so far.
    public private(set) var count = 0

    /// An empty spool file in `directory` (`$TMPDIR`, else `/tmp`, when nil).
    ///
    /// - Throws: `SpoolError` when the file cannot be created.
    public init(directory: String? = nil) throws {
        let directory = directory ?? Self.defaultDirectory
        self.directory = directory
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast()) + Array("mailmig-spool-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw SpoolError(operation: "create a spool file", directory: directory, code: errno) }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The directory spool files go to when none is given: `$TMPDIR`, else `/tmp`.
    public static var defaultDirectory: String {
        if let value = getenv("TMPDIR"), let text = String(validatingCString: value), !text.isEmpty { return text }
        return "/tmp"
    }

    /// Appends `bytes` at the end.
    ///
    /// - Throws: `SpoolError` when the file system refuses (disk full, I/O error).
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(count + offset))
            if written < 0 {
                if errno == EINTR { continue }
                throw SpoolError(operation: "write to a spool file", directory: directory, code: errno)
            }
            offset += written
        }
        count += bytes.count
    }

    /// Appends `bytes` at the end.
    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// `count` bytes from `offset` (fewer at the end of the file).
    ///
    /// - Throws: `SpoolError` when the file cannot be read.
    public func read(from offset: Int, count wanted: Int) throws -> [UInt8] {
        let length = max(0, min(wanted, count - offset))
        guard length > 0 else { return [] }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            var done = 0
            while done < length {
                let got = pread(descriptor, buffer.baseAddress! + done, length - done, off_t(offset + done))
                if got < 0, errno == EINTR { continue }
                if got <= 0 {
                    failure = got < 0 ? errno : EIO
                    break
                }
                done += got
            }
            initialized = done
        }
        guard failure == 0 else { throw SpoolError(operation: "read a spool file", directory: directory, code: failure) }
        return bytes
    }
}

extension SpoolFile: Equatable {
    /// The same file.
    public static func == (lhs: SpoolFile, rhs: SpoolFile) -> Bool { lhs === rhs }
}

/// A spool file could not be created, written or read.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    /// What was being done, e.g. `write to a spool file`.
    public let operation: String
    /// The spool directory.
    public let directory: String
    /// The `errno` value.
    public let code: Int32

    /// An error of `operation` in `directory`, for the system's `code`.
    public init(operation: String, directory: String, code: Int32) {
        self.operation = operation
        self.directory = directory
        self.code = code
    }

    /// A spool file that held fewer bytes than it should: an I/O error.
    public static func endedEarly(directory: String) -> SpoolError {
        SpoolError(operation: "read a spool file (it ended early)", directory: directory, code: EIO)
    }

    /// One sentence naming the directory and the system's reason.
    public var description: String {
        let reason = String(cString: strerror(code))
        return "could not \(operation) in \(directory): \(reason) (large messages pass through this directory; set TMPDIR to another)"
    }
}
