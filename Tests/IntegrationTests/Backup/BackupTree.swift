import Foundation
import MailMigCore

/// One mailbox's backup tree read straight from the disk, as docs/maildir.md describes it, without
/// mailmig's own Maildir code: so the checks built on it do not share that code's mistakes.
struct BackupTree {
    /// One line of `manifest.jsonl`.
    struct ManifestLine: Decodable, Hashable {
        var folder: String
        var key: String
        var file: String
        var size: Int
        var internalDate: String
        var flags: [String]
        var sha256: String
        var source: String?

        enum CodingKeys: String, CodingKey {
            case folder, key, file, size, flags, sha256, source
            case internalDate = "internal_date"
        }
    }

    /// One message file: its folder in plan form, its path relative to the root, its key (the name
    /// before `:2,`), the SHA-256 of its bytes and its modification time.
    struct MessageFile: Hashable {
        var folder: String
        var file: String
        var key: String
        var sha256: String
        var modified: Int
    }

    let root: URL

    /// Whether the tree has a manifest (a session wrote it).
    var exists: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("manifest.jsonl").path) }

    /// Every line of the manifest, in order.
    func manifestLines() throws -> [ManifestLine] {
        let text = try String(contentsOf: root.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(ManifestLine.self, from: Data($0.utf8)) }
    }

    /// How many lines of the manifest are whole entries (a line a crash cut short is not).
    func readableManifestLineCount() -> Int {
        guard let text = try? String(contentsOf: root.appendingPathComponent("manifest.jsonl"), encoding: .utf8) else { return 0 }
        return text.split(separator: "\n").filter { (try? JSONDecoder().decode(ManifestLine.self, from: Data($0.utf8))) != nil }.count
    }

    /// How many line ends the manifest holds now: cheap enough to poll while a process writes it.
    func manifestLineEnds() -> Int {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("manifest.jsonl").path) else { return 0 }
        return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    /// The newest line of each message (folder and key): a later line supersedes an earlier one.
    func manifestEntries() throws -> [String: ManifestLine] {
        var entries: [String: ManifestLine] = [:]
        for line in try manifestLines() { entries[Self.identity(folder: line.folder, key: line.key)] = line }
        return entries
    }

    /// Every message file in a `cur/` or `new/` of the root or a folder directory, hashed.
    func messageFiles() throws -> [MessageFile] {
        var files: [MessageFile] = []
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
        let folders = [("INBOX", "")] + names.compactMap { name in Self.folderPath(directory: name).map { ($0, name) } }
        for (folder, directory) in folders {
            for sub in ["cur", "new"] {
                let relative = directory.isEmpty ? sub : "\(directory)/\(sub)"
                let url = root.appendingPathComponent(relative)
                guard let entries = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { continue }
                let hashes = try Self.sha256(of: entries.map { url.appendingPathComponent($0).path })
                for name in entries {
                    let path = url.appendingPathComponent(name).path
                    let attributes = try FileManager.default.attributesOfItem(atPath: path)
                    let modified = Int((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)
                    let key = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
                    files.append(MessageFile(folder: folder, file: "\(relative)/\(name)", key: key, sha256: hashes[path] ?? "", modified: modified))
                }
            }
        }
        return files
    }

    /// What the tree holds, in the form `MailboxSnapshot.multisets` gives for a server: per folder the
    /// files' own SHA-256, with the flags and the internal date their manifest line records.
    func multisets(files: [MessageFile], entries: [String: ManifestLine]) -> [String: [MailboxSnapshot.Fingerprint]] {
        var result: [String: [MailboxSnapshot.Fingerprint]] = [:]
        for file in files {
            let line = entries[Self.identity(folder: file.folder, key: file.key)]
            let date = line.flatMap { MessageDate.parse($0.internalDate) }.map { Int($0.timeIntervalSince1970) }
            result[file.folder, default: []].append(MailboxSnapshot.Fingerprint(sha256: file.sha256, flags: (line?.flags ?? ["<no manifest line>"]).sorted(),
                                                                                internalDate: date))
        }
        return result.mapValues { $0.sorted() }
    }

    /// Files whose mode is not 0600 and directories whose mode is not 0700, relative to the root (the root itself as `.`).
    func wrongModes() throws -> [String] {
        var wrong: [String] = []
        func check(_ path: String, relative: String) throws {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            let isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            let expected = isDirectory ? 0o700 : 0o600
            if mode != expected { wrong.append("\(relative) is \(String(mode, radix: 8)), expected \(String(expected, radix: 8))") }
        }
        try check(root.path, relative: ".")
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return ["the tree cannot be listed"] }
        while let relative = walker.nextObject() as? String {
            try check(root.appendingPathComponent(relative).path, relative: relative)
        }
        return wrong
    }

    /// The key of a message in the manifest: folder and key.
    static func identity(folder: String, key: String) -> String { "\(folder)\u{0}\(key)" }

    /// The plan-form path of a folder directory at the root (`.Kunden.ACME Corp.2024` is
    /// `Kunden/ACME Corp/2024`, `%2e` a dot inside a level), nil for anything else.
    static func folderPath(directory name: String) -> String? {
        guard name.hasPrefix("."), name.count > 1 else { return nil }
        return name.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map { level in
            var bytes: [UInt8] = []
            var rest = Array(level.utf8)[...]
            while let byte = rest.popFirst() {
                if byte == UInt8(ascii: "%"), rest.count >= 2, let value = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16) {
                    bytes.append(value)
                    rest = rest.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }.joined(separator: "/")
    }

    /// SHA-256 of files by `sha256sum`, keyed by path (the tests have no hash library of their own).
    static func sha256(of paths: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for start in stride(from: 0, to: paths.count, by: 500) {
            let batch = Array(paths[start..<min(start + 500, paths.count)])
            let output = try ScriptRunner.succeed("/usr/bin/env", ["sha256sum", "--"] + batch)
            for line in output.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                // sha256sum marks the hash with a leading backslash when the name needed escaping; ours never do.
                result[String(parts[1].dropFirst())] = String(parts[0])
            }
        }
        return result
    }
}
