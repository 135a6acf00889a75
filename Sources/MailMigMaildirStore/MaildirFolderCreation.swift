import Foundation

/// Creates folders so that a crash never leaves half of one: the Maildir is built under a temporary
/// name at the root, with its UIDVALIDITY, and renamed into place in one step.
enum MaildirFolderCreation {
    /// The prefix of a folder being built; recovery removes what a crash left of one.
    static let stagingPrefix = "mailmig-creating-"

    /// A new UIDVALIDITY: the current time in seconds, as Dovecot chooses one.
    static func newUIDValidity() -> UInt32 {
        UInt32(truncatingIfNeeded: max(1, Int(Date().timeIntervalSince1970)))
    }

    /// Creates the folder (0700 directories, `maildirfolder` as Maildir++ marks a folder) unless it
    /// exists; a folder that another program left without `cur/` gets the missing directories.
    static func create(_ folder: MaildirFolder) throws {
        if folder.exists { return }
        if folder.directory.isEmpty || Posix.isDirectory(folder.location) {
            try fill(folder.location, marker: !folder.directory.isEmpty)
            try Posix.syncDirectory(folder.location)
            return
        }
        let staging = folder.root + "/" + stagingPrefix + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        try Posix.makeDirectory(staging)
        do {
            try fill(staging, marker: true)
            try Posix.syncDirectory(staging)
            try Posix.move(staging, to: folder.location, action: "move the new folder into place from")
        } catch {
            try? Posix.removeTree(staging)
            // Another run may have created it meanwhile.
            if folder.exists { return }
            throw error
        }
        try Posix.syncDirectory(folder.root)
    }

    /// Puts `cur/`, `new/`, `tmp/`, the UIDVALIDITY file and, for a folder below the root, the
    /// `maildirfolder` marker into `directory`, leaving what is there.
    static func fill(_ directory: String, marker: Bool) throws {
        let validity = directory + "/" + MaildirFolder.uidValidityFile
        if !Posix.exists(validity) {
            try Posix.createFile(validity, bytes: Array("\(newUIDValidity())\n".utf8), modified: nil, action: "write the UIDVALIDITY file")
        }
        if marker, !Posix.exists(directory + "/maildirfolder") {
            try Posix.createFile(directory + "/maildirfolder", bytes: [], modified: nil, action: "write the folder marker")
        }
        for part in ["tmp", "new", "cur"] { try Posix.makeDirectory(directory + "/" + part) }
    }
}
