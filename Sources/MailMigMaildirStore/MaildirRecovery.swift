import Crypto
import Foundation
import MailMigCore
import MailMigSpool

/// Puts a mailbox's Maildir right after a run that stopped anywhere, so the manifest describes every
/// message file again. Runs when a session opens a Maildir of this store, under its lock.
///
/// - A file the intent journal names that reached `cur/` gets the line the store meant to write, with
///   its keywords and source identity (`MaildirIntentJournal`); then the journal is removed.
/// - A file in `tmp/` was never moved into `cur/`, so never reported stored: removed.
/// - What a crash left of a folder being created is removed (it never held messages).
/// - A file in `cur/` or `new/` without a manifest line was moved in before the crash took its line:
///   hashed, and its line appended (without a source identity, which only the copy knew).
/// - A file whose name no longer matches its newest line (flags changed by a crash between rename
///   and line, or by a mail reader) gets a line with its name and flags; its recorded hash and size
///   are kept, so the audit still sees whether its bytes changed.
enum MaildirRecovery {
    /// What recovery did.
    struct Outcome: Equatable {
        /// Files removed from `tmp/`.
        var removedTemporary = 0
        /// Lines appended for files that had none or had another name.
        var recorded = 0
    }

    /// Recovers every folder of the Maildir at `root`, appending lines through `writer` and to `manifest`.
    static func recover(root: String, manifest: inout MaildirManifest, writer: MaildirManifestWriter) throws -> Outcome {
        var outcome = Outcome()
        // First, so that a file the journal names is found recorded below and keeps its keywords.
        let journalled = try MaildirIntentJournal.read(root: root).filter { entry in
            manifest.entry(folder: entry.folder, key: entry.key) == nil && Posix.exists(root + "/" + entry.file)
        }
        try writer.append(journalled)
        journalled.forEach { manifest.record($0) }
        outcome.recorded += journalled.count
        try MaildirIntentJournal.clear(root: root)
        for entry in try Posix.entries(of: root) where entry.isDirectory && entry.name.hasPrefix(MaildirFolderCreation.stagingPrefix) {
            try Posix.removeTree(root + "/" + entry.name)
        }
        for folder in try MaildirTree.folders(root: root) {
            outcome.removedTemporary += try clearTemporary(folder)
            var lines: [MaildirManifestEntry] = []
            for file in try folder.messageFiles() {
                let name = MaildirFileName(folderFile: file)
                let relative = folder.relative(file)
                if let recorded = manifest.entry(folder: folder.path, key: name.unique) {
                    guard recorded.file != relative else { continue }
                    var moved = recorded
                    moved.file = relative
                    moved.flags = MaildirFlags.merging(letters: name.letters, into: Set(recorded.flags)).sorted()
                    lines.append(moved)
                } else {
                    lines.append(try describe(folder: folder, file: file, name: name))
                }
            }
            try writer.append(lines)
            lines.forEach { manifest.record($0) }
            outcome.recorded += lines.count
        }
        return outcome
    }

    /// Removes the files in a folder's `tmp/`; returns how many.
    private static func clearTemporary(_ folder: MaildirFolder) throws -> Int {
        let directory = folder.absolute("tmp")
        guard Posix.isDirectory(directory) else { return 0 }
        var removed = 0
        for entry in try Posix.entries(of: directory) where !entry.isDirectory {
            try Posix.removeFile(directory + "/" + entry.name)
            removed += 1
        }
        if removed > 0 { try Posix.syncDirectory(directory) }
        return removed
    }

    /// A manifest line for a file found without one: its hash and size as it is, its date from its
    /// modification time, its flags from its name.
    static func describe(folder: MaildirFolder, file: String, name: MaildirFileName) throws -> MaildirManifestEntry {
        let path = folder.absolute(file)
        let attributes = try Posix.attributes(path)
        var hash = SHA256()
        let size = try Posix.forEachChunk(of: path) { hash.update(bufferPointer: $0) }
        return MaildirManifestEntry(folder: folder.path, key: name.unique, file: folder.relative(file), size: size,
                                    internalDate: MaildirDates.messageDate(attributes.modified).text,
                                    flags: MaildirFlags.flags(fromLetters: name.letters, keywords: folder.dovecotKeywords).sorted(),
                                    sha256: MessageBytes.hex(hash.finalize()))
    }
}

/// SHA-256 digests as the manifest writes them.
enum Digest {
    /// Lower-case hex SHA-256 of bytes.
    static func sha256(_ bytes: [UInt8]) -> String { MessageBytes.hex(SHA256.hash(data: bytes)) }
}
