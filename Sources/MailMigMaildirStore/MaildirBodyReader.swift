import Crypto
import Foundation
import MailMigCore
import MailMigSpool
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files of a body stream one at a time, as the stream is read: at most one message's bytes
/// are held, however many were asked for.
final class MaildirBodyReader: Sendable {
    private let folder: MaildirFolder
    private let messages: [MaildirMessage]
    private let maxBodySize: Int64?
    /// Whether a file with a manifest line must still hash to it.
    private let checksRecordedHash: Bool
    /// The index of the next message to read.
    private let position = Mutex(0)

    /// A reader of `messages` (in the order given) of `folder`.
    init(folder: MaildirFolder, messages: [MaildirMessage], maxBodySize: Int64?, checksRecordedHash: Bool) {
        self.folder = folder
        self.messages = messages
        self.maxBodySize = maxBodySize
        self.checksRecordedHash = checksRecordedHash
    }

    /// The next message, nil at the end.
    func next() throws -> StoredMessage? {
        while let message = take() {
            if let stored = try read(message) { return stored }
        }
        return nil
    }

    /// Takes the next message to read.
    private func take() -> MaildirMessage? {
        position.withLock { index in
            guard index < messages.count else { return nil }
            defer { index += 1 }
            return messages[index]
        }
    }

    /// One message with its bytes (or only its size, when over the limit); nil when its file is gone.
    private func read(_ message: MaildirMessage) throws -> StoredMessage? {
        let path = folder.absolute(message.file)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw FileSystemError("read the message file", path)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileSystemError("read the message file", path) }
        let date = message.internalDate ?? MaildirDates.messageDate(Posix.modificationDate(info))
        if let maxBodySize, Int64(info.st_size) > maxBodySize {
            return StoredMessage(uid: message.messageKey, body: [], internalDate: date, flags: message.flags, omittedSize: Int(info.st_size))
        }
        // The file may have grown since; never more than the limit is held.
        let body = try Posix.rest(of: descriptor, path: path, limit: maxBodySize.map { Int($0) + 1 })
        if let maxBodySize, Int64(body.count) > maxBodySize {
            return StoredMessage(uid: message.messageKey, body: [], internalDate: date, flags: message.flags, omittedSize: body.count)
        }
        if checksRecordedHash { try Self.check(body, against: message.recorded, path: path) }
        return StoredMessage(uid: message.messageKey, body: body, internalDate: date, flags: message.flags)
    }

    /// Refuses a file that is no longer what the manifest recorded of it: a restore must never carry
    /// a damaged backup file to a target as if it were the message.
    static func check(_ body: [UInt8], against recorded: MaildirManifestEntry?, path: String) throws {
        guard let recorded else { return }
        let found = MessageBytes.hex(SHA256.hash(data: body))
        guard found == recorded.sha256, body.count == recorded.size else {
            throw MailStoreError(.failed, "the file \(path) is not the message its manifest recorded (SHA-256 \(found.prefix(16))…, "
                + "\(body.count) bytes; recorded \(recorded.sha256.prefix(16))…, \(recorded.size) bytes): it changed after it was written; "
                + "mailmig verify --backup lists every such file")
        }
    }
}
