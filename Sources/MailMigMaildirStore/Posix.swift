import Foundation
import MailMigSpool
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system calls the store makes, with the permissions and syncing a backup needs: files are
/// created 0600 and directories 0700, and what must survive a crash is synced before it is reported.
///
/// Paths are plain strings; every failure is a `FileSystemError` naming the path.
enum Posix {
    /// Mode of every file the store creates.
    static let fileMode: mode_t = 0o600
    /// Mode of every directory the store creates.
    static let directoryMode: mode_t = 0o700

    /// Whether a directory exists at `path` (following links).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything exists at `path` (a dangling link counts).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Size in bytes and modification time of the file at `path`.
    static func attributes(_ path: String) throws -> (size: Int, modified: Date) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileSystemError("read the attributes of", path) }
        return (Int(info.st_size), modificationDate(info))
    }

    /// The modification time a `stat` gives.
    static func modificationDate(_ info: stat) -> Date {
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return Date(timeIntervalSince1970: TimeInterval(time.tv_sec) + TimeInterval(time.tv_nsec) / 1e9)
    }

    /// Creates the directory `path` (0700); false when it existed already.
    @discardableResult
    static func makeDirectory(_ path: String) throws -> Bool {
        if mkdir(path, directoryMode) == 0 { return true }
        if errno == EEXIST, isDirectory(path) { return false }
        throw FileSystemError("create the directory", path)
    }

    /// Creates `path` and every missing directory above it, each 0700.
    static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        try makeDirectory(path)
    }

    /// The names in a directory, without `.` and `..`, each with whether it is a directory.
    static func entries(of path: String) throws -> [(name: String, isDirectory: Bool)] {
        guard let directory = opendir(path) else { throw FileSystemError("list the directory", path) }
        defer { closedir(directory) }
        var found: [(String, Bool)] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            // Some file systems do not give the type in the listing.
            let isDirectory = type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK)
                ? self.isDirectory(path + "/" + name) : type == UInt8(DT_DIR)
            found.append((name, isDirectory))
        }
        return found
    }

    /// Writes `bytes` to a new file (0600) that must not exist yet, sets its modification time when
    /// given, and syncs it to disk before returning. A failure removes what was written.
    static func createFile(_ path: String, bytes: [UInt8], modified: Date?, action: String) throws {
        try createFile(path, content: MessageBytes(bytes), modified: modified, action: action)
    }

    /// Creates `path` exclusively with a message's bytes, a chunk at a time when they are spooled, as
    /// `createFile(_:bytes:modified:action:)` does.
    static func createFile(_ path: String, content: MessageBytes, modified: Date?, action: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw FileSystemError(action, path) }
        do {
            try content.forEachChunk { chunk in
                try writeAll(descriptor, Array(chunk), path: path, action: action)
                return true
            }
            if let modified {
                var times = [timespec(modified), timespec(modified)]
                guard futimens(descriptor, &times) == 0 else { throw FileSystemError("set the modification time of", path) }
            }
            guard fsync(descriptor) == 0 else { throw FileSystemError(action, path) }
            guard close(descriptor) == 0 else { throw FileSystemError(action, path) }
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
    }

    /// Replaces the file at `path` with `bytes` so that a reader sees the old or the new content, never
    /// a part: written beside it, synced, renamed over it, and the directory synced.
    static func replaceFile(_ path: String, bytes: [UInt8], action: String) throws {
        let staged = path + ".new"
        unlink(staged)
        try createFile(staged, bytes: bytes, modified: nil, action: action)
        try move(staged, to: path, action: action)
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Writes all of `bytes` to an open file, resuming after interruptions and partial writes.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String, action: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(action, path)
            }
            offset += written
        }
    }

    /// Syncs a directory, so that the names created or renamed in it survive a crash.
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("open the directory", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystemError("sync the directory", path) }
    }

    /// Renames `from` to `to` (replacing a file at `to`).
    static func move(_ from: String, to: String, action: String) throws {
        guard rename(from, to) == 0 else { throw FileSystemError(action, from) }
    }

    /// Removes a file; a file that is already gone is no error.
    static func removeFile(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw FileSystemError("remove", path) }
    }

    /// Removes a directory and everything under it.
    static func removeTree(_ path: String) throws {
        for entry in try entries(of: path) {
            let child = path + "/" + entry.name
            if entry.isDirectory { try removeTree(child) } else { try removeFile(child) }
        }
        guard rmdir(path) == 0 || errno == ENOENT else { throw FileSystemError("remove the directory", path) }
    }

    /// The whole file, or only its first `limit` bytes.
    static func contents(of path: String, limit: Int? = nil) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("read", path) }
        defer { close(descriptor) }
        return try rest(of: descriptor, path: path, limit: limit)
    }

    /// The rest of an open file, or only up to `limit` bytes of it.
    static func rest(of descriptor: Int32, path: String, limit: Int? = nil) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while limit.map({ bytes.count < $0 }) ?? true {
            let wanted = min(chunk.count, (limit ?? Int.max) - bytes.count)
            let count = chunk.withUnsafeMutableBytes { buffer in read(descriptor, buffer.baseAddress!, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("read", path)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// Reads a file in chunks, handing each to `consume`; returns the number of bytes read.
    @discardableResult
    static func forEachChunk(of path: String, _ consume: (UnsafeRawBufferPointer) -> Void) throws -> Int {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("read", path) }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in read(descriptor, buffer.baseAddress!, buffer.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("read", path)
            }
            if count == 0 { return total }
            total += count
            chunk.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }
}

extension timespec {
    /// The instant as seconds and nanoseconds since 1970 (negative before).
    init(_ date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        self.init(tv_sec: Int(seconds), tv_nsec: Int((date.timeIntervalSince1970 - seconds) * 1e9))
    }
}
