import Foundation

/// One folder's Maildir (`cur/`, `new/`, `tmp/`) inside a mailbox's root, with its plan-form path.
struct MaildirFolder: Sendable, Equatable {
    /// The file holding the folder's UIDVALIDITY, in decimal.
    static let uidValidityFile = "mailmig-uidvalidity"
    /// The UIDVALIDITY of a folder without that file (one another program made): keys are file names,
    /// which another program's renumbering does not change, so one constant serves.
    static let foreignUIDValidity: UInt32 = 1

    /// The mailbox's root.
    let root: String
    /// The folder in plan form.
    let path: String
    /// The directory relative to the root: "" for INBOX, `.a.b` for `a/b`.
    let directory: String

    /// The folder at `path` of the mailbox at `root`; throws when the path cannot be a folder name.
    init(root: String, path: String) throws {
        self.root = root
        self.path = path
        directory = try MaildirFolderName.directory(for: path)
    }

    /// A folder found on disk.
    init(root: String, path: String, directory: String) {
        self.root = root
        self.path = path
        self.directory = directory
    }

    /// The folder's directory.
    var location: String { directory.isEmpty ? root : root + "/" + directory }

    /// A path relative to the root, for the manifest (`.a.b/cur/x`, `cur/x` in INBOX).
    func relative(_ name: String) -> String { directory.isEmpty ? name : directory + "/" + name }

    /// The absolute path of something in the folder (`cur/x`).
    func absolute(_ name: String) -> String { location + "/" + name }

    /// Whether the folder exists: its directory holds `cur/`.
    var exists: Bool { Posix.isDirectory(location + "/cur") }

    /// The folder's UIDVALIDITY: the number its file holds, the constant of a foreign folder otherwise.
    var uidValidity: UInt32 {
        guard let bytes = try? Posix.contents(of: absolute(Self.uidValidityFile), limit: 32),
              let value = UInt32(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), value > 0
        else { return Self.foreignUIDValidity }
        return value
    }

    /// The keywords Dovecot's `dovecot-keywords` names by letter, when Dovecot wrote the folder.
    var dovecotKeywords: [Character: String] {
        guard let bytes = try? Posix.contents(of: absolute("dovecot-keywords"), limit: 64 * 1024) else { return [:] }
        return MaildirFlags.dovecotKeywords(String(decoding: bytes, as: UTF8.self))
    }

    /// The message files, as `cur/<name>` or `new/<name>`: `cur/` first, so a file a mail reader
    /// is moving is found under its newer name. A folder without `new/` has only `cur/`.
    func messageFiles() throws -> [String] {
        var files: [String] = []
        for part in ["cur", "new"] where part == "cur" || Posix.isDirectory(absolute(part)) {
            for entry in try Posix.entries(of: absolute(part)) where !entry.isDirectory && MaildirFileName.isMessageFile(entry.name) {
                files.append(part + "/" + entry.name)
            }
        }
        return files
    }

    /// How many messages the folder holds.
    func messageCount() throws -> Int {
        var keys = Set<String>()
        for file in try messageFiles() { keys.insert(MaildirFileName(folderFile: file).unique) }
        return keys.count
    }
}
