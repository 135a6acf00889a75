import Foundation

/// The manifest lines of the chunk being stored, written and synced before its files move into
/// `cur/`, and removed once the manifest holds them.
///
/// A crash between a file's move and its manifest line would otherwise leave a file whose keywords,
/// which no Maildir file name carries, are lost: recovery could only read the flag letters. With the
/// journal, recovery appends the line the store meant to write, keywords and source identity
/// included, for every journalled file that reached `cur/`.
enum MaildirIntentJournal {
    /// The journal's name at a mailbox's root.
    static let fileName = "manifest.pending.jsonl"

    /// Replaces the journal with these lines, synced; the moves may start once this returns.
    static func write(_ entries: [MaildirManifestEntry], root: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for entry in entries {
            bytes += try encoder.encode(entry)
            bytes.append(UInt8(ascii: "\n"))
        }
        try Posix.replaceFile(root + "/" + fileName, bytes: bytes, action: "write the pending manifest lines")
    }

    /// The journalled lines; empty when there is no journal. A journal cut short was never complete,
    /// so no file of it was moved, and its readable lines describe files that stayed in `tmp/`.
    static func read(root: String) throws -> [MaildirManifestEntry] {
        let path = root + "/" + fileName
        guard Posix.exists(path) else { return [] }
        return try MaildirManifest.read(path: path).entries
    }

    /// Removes the journal once the manifest holds its lines.
    static func clear(root: String) throws {
        let path = root + "/" + fileName
        guard Posix.exists(path) else { return }
        try Posix.removeFile(path)
    }
}
