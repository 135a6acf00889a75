import Foundation
import MailMigCore

/// One message of a folder as the store finds it: its file, and what the manifest or the file says of it.
struct MaildirMessage: Sendable {
    /// The key: the unique part of the file name.
    let key: String
    /// The file, relative to the folder (`cur/<name>`, `new/<name>`).
    let file: String
    /// Flags and keywords.
    let flags: Set<String>
    /// The size in bytes, when the manifest gave it (otherwise read from the file when needed).
    let size: Int?
    /// The internal date, when the manifest gave it (otherwise the file's modification time).
    let internalDate: MessageDate?
    /// The newest manifest line, for a message this store recorded.
    let recorded: MaildirManifestEntry?

    /// The message key.
    var messageKey: MessageKey { .name(key) }

    /// The messages of a folder by key, from its files and, for a Maildir of this store, its manifest.
    /// A file whose name no longer matches its manifest line (a mail reader changed its flags) keeps
    /// the recorded keywords with the letters its name shows now.
    static func catalogue(of folder: MaildirFolder, manifest: MaildirManifest?) throws -> [String: MaildirMessage] {
        let keywords = folder.dovecotKeywords
        var messages: [String: MaildirMessage] = [:]
        for file in try folder.messageFiles() {
            let name = MaildirFileName(folderFile: file)
            if messages[name.unique] != nil { continue }
            let recorded = manifest?.entry(folder: folder.path, key: name.unique)
            let flags: Set<String>
            if let recorded {
                flags = recorded.file == folder.relative(file) ? Set(recorded.flags) : MaildirFlags.merging(letters: name.letters, into: Set(recorded.flags))
            } else {
                flags = MaildirFlags.flags(fromLetters: name.letters, keywords: keywords)
            }
            messages[name.unique] = MaildirMessage(key: name.unique, file: file, flags: flags, size: recorded?.size,
                                                   internalDate: recorded.map { MessageDate(wellFormed: $0.internalDate) }, recorded: recorded)
        }
        return messages
    }

    /// The message with its size and date read from the file where the manifest gave none.
    func described(in folder: MaildirFolder) throws -> MaildirMessage {
        guard size == nil || internalDate == nil else { return self }
        let attributes = try Posix.attributes(folder.absolute(file))
        return MaildirMessage(key: key, file: file, flags: flags, size: size ?? attributes.size,
                              internalDate: internalDate ?? MaildirDates.messageDate(attributes.modified), recorded: recorded)
    }

    /// What a metadata fetch answers.
    var metadata: MessageMetadata {
        MessageMetadata(uid: messageKey, size: size, internalDate: internalDate, flags: flags)
    }
}
