import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import MailMigCore

/// A mailbox's Maildir as a session opened it: locked, recovered and with its manifest read when this
/// store wrote it; read as it is when another program did.
struct MaildirRoot {
    /// Where recovery reports what it put right.
    static let logger = Logger(label: "mailmig.maildir")

    /// Files this store keeps at a root besides the folders, which a fresh root may already hold.
    static let ownFiles: Set<String> = [RootLock.fileName, MaildirManifest.fileName, MaildirIntentJournal.fileName]

    /// The root directory.
    let path: String
    /// The lock held while the session lasts; nil for a Maildir read without writing (another
    /// program's, or this store's on read-only media).
    let lock: RootLock?
    /// The manifest; nil for another program's Maildir.
    var manifest: MaildirManifest?
    /// The manifest's writer; nil for a Maildir read without writing.
    let writer: MaildirManifestWriter?

    /// Opens the Maildir at `url` for one side. A target's root is created (0700) when missing and
    /// initialised when empty; a folder holding files but no manifest is not written into. A source's
    /// root must exist and hold a Maildir; one with a manifest is locked and recovered, one without is
    /// read as another program left it; one that cannot be locked for want of permission (read-only
    /// media) is read without recovery.
    static func open(_ url: URL, side: MailSide) throws -> MaildirRoot {
        let path = url.path
        let manifestPath = path + "/" + MaildirManifest.fileName
        if side == .target {
            try Posix.makeDirectories(path)
        } else {
            guard Posix.isDirectory(path) else {
                throw MailStoreError(.noSuchFolder, "there is no Maildir at \(path)")
            }
            guard Posix.exists(manifestPath) else {
                guard Posix.isDirectory(path + "/cur") else {
                    throw MailStoreError(.noSuchFolder, "\(path) is not a Maildir: it has no cur/ folder")
                }
                return MaildirRoot(path: path, lock: nil, manifest: nil, writer: nil)
            }
        }
        let lock: RootLock
        do {
            lock = try RootLock(root: path)
        } catch let error as FileSystemError where side == .source && [EROFS, EACCES, EPERM].contains(error.code) {
            // A backup on read-only media is read as it is, without recovery: nothing in tmp/ is ever
            // listed, and a file without a manifest line is read from its name and modification time.
            return MaildirRoot(path: path, lock: nil, manifest: try MaildirManifest.read(path: manifestPath), writer: nil)
        }
        do {
            if !Posix.exists(manifestPath) {
                try initialise(path)
            }
            try MaildirManifestWriter.dropTornTail(path: manifestPath)
            var manifest = try MaildirManifest.read(path: manifestPath)
            let writer = try MaildirManifestWriter(path: manifestPath)
            if side == .target { try MaildirFolderCreation.create(MaildirFolder(root: path, path: "INBOX", directory: "")) }
            let recovered = try MaildirRecovery.recover(root: path, manifest: &manifest, writer: writer)
            if recovered != MaildirRecovery.Outcome() {
                logger.notice("recovered the Maildir after an interrupted run", metadata: [
                    "root": "\(path)", "removed_from_tmp": "\(recovered.removedTemporary)", "lines_recorded": "\(recovered.recorded)",
                ])
            }
            return MaildirRoot(path: path, lock: lock, manifest: manifest, writer: writer)
        } catch {
            lock.release()
            throw error
        }
    }

    /// Makes an empty root this store's: the manifest first (what marks it), then the INBOX Maildir.
    /// A root holding anything else is refused, so a backup never mixes into another program's mail.
    private static func initialise(_ path: String) throws {
        let others = try Posix.entries(of: path).map(\.name).filter { !ownFiles.contains($0) }
        guard others.isEmpty else {
            throw MailStoreError(.failed, "\(path) holds files but no \(MaildirManifest.fileName), so mailmig did not write it; "
                                 + "a backup is written only into an empty folder or one it wrote before")
        }
        try Posix.createFile(path + "/" + MaildirManifest.fileName, bytes: [], modified: nil, action: "create the manifest")
        try Posix.syncDirectory(path)
        try MaildirFolderCreation.create(MaildirFolder(root: path, path: "INBOX", directory: ""))
    }

    /// Releases the lock.
    func close() {
        lock?.release()
    }
}
