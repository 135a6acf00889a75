import Foundation
import MailMigCore

/// A mailbox's `manifest.jsonl` as read: the newest line for every message, and the lines that could
/// not be read.
///
/// The manifest is append-only; the store writes a line after a message file is safely in `cur/` and
/// another whenever its flags change, so the newest line for a folder and key describes that message
/// as it is now.
public struct MaildirManifest: Sendable {
    /// The manifest's file name at a mailbox's root.
    public static let fileName = "manifest.jsonl"

    /// The newest line for each folder and key, in the order the messages were first recorded.
    public var entries: [MaildirManifestEntry] { order.compactMap { newest[$0] } }
    /// The 1-based numbers of lines that are not a manifest entry (damaged, or cut short).
    public private(set) var unreadableLines: [Int] = []
    /// How many lines the file has.
    public private(set) var lineCount = 0

    /// Newest entry by folder and key.
    private var newest: [ManifestKey: MaildirManifestEntry] = [:]
    /// Keys in the order first seen.
    private var order: [ManifestKey] = []
    /// Lines recorded per folder, read or written: every stored message and every flag change adds one.
    private var linesByFolder: [String: Int] = [:]

    /// An empty manifest.
    init() {}

    /// Reads the manifest of the mailbox whose Maildir is at `root`. Throws a failure naming the file
    /// when it is missing or cannot be read.
    public static func read(root: URL) throws -> MaildirManifest {
        let path = root.path + "/" + fileName
        guard Posix.exists(path) else {
            throw MailStoreError(.noSuchFolder, "there is no \(fileName) in \(root.path), so no backup was written there")
        }
        return try read(path: path)
    }

    /// Reads the manifest file at `path`.
    static func read(path: String) throws -> MaildirManifest {
        var manifest = MaildirManifest()
        manifest.load(try Posix.contents(of: path))
        return manifest
    }

    /// The newest entry for a message.
    public func entry(folder: String, key: String) -> MaildirManifestEntry? {
        newest[ManifestKey(folder: folder, key: key)]
    }

    /// How many lines the folder has: it grows with every message stored and every flag changed (by
    /// mailmig, or found changed by recovery), so it serves as the folder's mod-sequence (RFC 7162
    /// HIGHESTMODSEQ) for telling a folder that changed from one that did not.
    public func changeCount(of folder: String) -> Int {
        linesByFolder[folder] ?? 0
    }

    /// Takes in a line just written.
    mutating func record(_ entry: MaildirManifestEntry) {
        linesByFolder[entry.folder, default: 0] += 1
        let key = ManifestKey(folder: entry.folder, key: entry.key)
        if newest.updateValue(entry, forKey: key) == nil { order.append(key) }
    }

    /// Reads every line of the file's bytes; a last line without its newline is unreadable (cut short).
    private mutating func load(_ bytes: [UInt8]) {
        let decoder = JSONDecoder()
        var start = 0
        var number = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            number += 1
            if let end, let entry = try? decoder.decode(MaildirManifestEntry.self, from: Data(bytes[start..<end])) {
                record(entry)
            } else {
                unreadableLines.append(number)
            }
            start = (end ?? bytes.count) + 1
        }
        lineCount = number
    }
}
