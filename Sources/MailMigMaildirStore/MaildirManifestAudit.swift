import Crypto
import Foundation
import MailMigCore
import MailMigSpool

/// Checks a mailbox's Maildir against its manifest, for `mailmig verify --backup`: every message file
/// is hashed again and compared with its newest manifest line. Reads only; changes nothing.
public enum MaildirManifestAudit {
    /// One discrepancy between the files and the manifest.
    public enum Finding: Sendable, Equatable, CustomStringConvertible {
        /// The file's bytes are not those recorded: its SHA-256 (or size) differs.
        case changed(folder: String, key: String, file: String, recordedSHA256: String, foundSHA256: String)
        /// The manifest records a message whose file is not there (under any flags).
        case missing(folder: String, key: String, file: String)
        /// A message file that no manifest line describes.
        case unrecorded(folder: String, file: String)
        /// A message file found under another name than its newest line gives (flags changed by another
        /// program); its bytes were still checked. The next session records the new name.
        case renamed(folder: String, key: String, recordedFile: String, file: String)
        /// A manifest line that is not an entry (damaged, or cut short), by its 1-based number.
        case unreadableLine(Int)
        /// A message file that could not be read.
        case unreadableFile(folder: String, file: String, reason: String)

        /// One sentence naming the folder and the file.
        public var description: String {
            switch self {
            case .changed(let folder, _, let file, let recorded, let found):
                return "folder '\(folder)': the message file \(file) has changed since it was written "
                    + "(SHA-256 \(found), the manifest recorded \(recorded))"
            case .missing(let folder, _, let file):
                return "folder '\(folder)': the message file \(file) the manifest records is missing"
            case .unrecorded(let folder, let file):
                return "folder '\(folder)': the message file \(file) has no line in the manifest"
            case .renamed(let folder, _, let recorded, let file):
                return "folder '\(folder)': the message file \(recorded) is now named \(file) (its flags changed outside mailmig)"
            case .unreadableLine(let number):
                return "line \(number) of \(MaildirManifest.fileName) cannot be read as a manifest entry"
            case .unreadableFile(let folder, let file, let reason):
                return "folder '\(folder)': the message file \(file) cannot be read: \(reason)"
            }
        }
    }

    /// The findings for the Maildir at `root`, in folder order; empty when every file matches its
    /// manifest line. Throws when there is no manifest or the tree cannot be listed.
    public static func audit(root: URL) throws -> [Finding] {
        let manifest = try MaildirManifest.read(root: root)
        var findings = manifest.unreadableLines.map(Finding.unreadableLine)
        var seen = Set<ManifestKey>()
        for folder in try MaildirTree.folders(root: root.path) {
            for file in try folder.messageFiles() {
                let name = MaildirFileName(folderFile: file)
                let relative = folder.relative(file)
                let identity = ManifestKey(folder: folder.path, key: name.unique)
                guard let recorded = manifest.entry(folder: folder.path, key: name.unique) else {
                    findings.append(.unrecorded(folder: folder.path, file: relative))
                    continue
                }
                guard seen.insert(identity).inserted else { continue }
                if recorded.file != relative {
                    findings.append(.renamed(folder: folder.path, key: name.unique, recordedFile: recorded.file, file: relative))
                }
                do {
                    var hash = SHA256()
                    let size = try Posix.forEachChunk(of: folder.absolute(file)) { hash.update(bufferPointer: $0) }
                    let found = MessageBytes.hex(hash.finalize())
                    if found != recorded.sha256 || size != recorded.size {
                        findings.append(.changed(folder: folder.path, key: name.unique, file: relative, recordedSHA256: recorded.sha256,
                                                 foundSHA256: found))
                    }
                } catch {
                    findings.append(.unreadableFile(folder: folder.path, file: relative, reason: "\(error)"))
                }
            }
        }
        for entry in manifest.entries where !seen.contains(ManifestKey(folder: entry.folder, key: entry.key)) {
            findings.append(.missing(folder: entry.folder, key: entry.key, file: entry.file))
        }
        return findings
    }
}
