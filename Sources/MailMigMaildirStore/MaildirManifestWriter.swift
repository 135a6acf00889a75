import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to a mailbox's `manifest.jsonl`, each batch synced to disk before it counts.
///
/// A batch that fails is cut off again, so the file never keeps half a line of a write that was not
/// reported; a line cut short by a crash is cut off when the Maildir is next opened (`dropTornTail`).
final class MaildirManifestWriter {
    /// The manifest's path.
    let path: String
    private let descriptor: Int32
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Opens (creating, 0600) the manifest at `path` for appending.
    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, Posix.fileMode)
        guard descriptor >= 0 else { throw FileSystemError("open the manifest", path) }
    }

    deinit { close(descriptor) }

    /// Appends one line per entry and syncs the file; on failure nothing of the batch stays.
    func append(_ entries: [MaildirManifestEntry]) throws {
        guard !entries.isEmpty else { return }
        var bytes: [UInt8] = []
        for entry in entries {
            bytes += try encoder.encode(entry)
            bytes.append(UInt8(ascii: "\n"))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileSystemError("read the size of the manifest", path) }
        do {
            try Posix.writeAll(descriptor, bytes, path: path, action: "append to the manifest")
            guard fsync(descriptor) == 0 else { throw FileSystemError("sync the manifest", path) }
        } catch {
            _ = ftruncate(descriptor, info.st_size)
            throw error
        }
    }

    /// Cuts off a last line without its newline, which only a write interrupted by a crash leaves:
    /// that write was never reported, and what it described is recorded again from the files.
    static func dropTornTail(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("open the manifest", path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileSystemError("read the size of the manifest", path) }
        var end = Int(info.st_size)
        guard end > 0 else { return }
        // Read backwards in blocks until the last newline.
        let block = 4096
        var buffer = [UInt8](repeating: 0, count: block)
        var keep = 0
        var scanned = false
        while end > 0, !scanned {
            let start = max(0, end - block)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, end - start, off_t(start)) }
            guard count == end - start else { throw FileSystemError("read the manifest", path) }
            if end == Int(info.st_size), buffer[count - 1] == UInt8(ascii: "\n") { return }
            if let newline = buffer[0..<count].lastIndex(of: UInt8(ascii: "\n")) {
                keep = start + newline + 1
                scanned = true
            }
            end = start
        }
        guard ftruncate(descriptor, off_t(keep)) == 0, fsync(descriptor) == 0 else { throw FileSystemError("repair the manifest", path) }
    }
}
