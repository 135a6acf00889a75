import Foundation
import MailMigCore

extension MaildirStoreSession {
    /// Stores messages in a folder, one outcome per message.
    ///
    /// Each message is written to `tmp/` and synced, with its internal date as modification time. Then,
    /// once for the whole chunk, the manifest lines are journalled and synced (`MaildirIntentJournal`),
    /// the files renamed into `cur/` with their flag letters, the directory synced, and the lines
    /// appended to the manifest and synced. A message is reported stored once all of that holds; a crash
    /// anywhere leaves either files in `tmp/` (removed on the next open) or files in `cur/` whose lines,
    /// keywords included, recovery appends from the journal. A message the file system refuses for its
    /// size is refused; any other failure (disk full, permissions, a missing folder) fails it and every
    /// message after it.
    public func append(_ messages: [OutgoingMessage], to path: String) async throws -> [AppendOutcome] {
        try requireWritable()
        let folder = try self.folder(path)
        guard folder.exists else {
            let error = MailStoreError(.failed, "there is no folder '\(path)' in \(root.path) to store messages in (no Maildir at \(folder.location))")
            return messages.map { _ in .failed(error) }
        }
        defer { invalidate(folder) }
        let uidValidity = folder.uidValidity
        var outcomes: [AppendOutcome] = []
        var staged: [(index: Int, entry: MaildirManifestEntry)] = []
        var failure: (any Error)?
        for message in messages {
            if let failure {
                outcomes.append(.failed(failure))
                continue
            }
            do {
                let entry = try stage(message, in: folder)
                staged.append((outcomes.count, entry))
                outcomes.append(.stored(uidValidity: uidValidity, uid: .name(entry.key)))
            } catch let error as FileSystemError where error.concernsMessageOnly {
                outcomes.append(.refused(error.description))
            } catch {
                failure = error
                outcomes.append(.failed(error))
            }
        }
        guard !staged.isEmpty else { return outcomes }
        var moved: [(index: Int, entry: MaildirManifestEntry)] = []
        do {
            try MaildirIntentJournal.write(staged.map(\.entry), root: root.path)
            for item in staged {
                try Posix.move(folder.absolute("tmp/" + item.entry.key), to: root.path + "/" + item.entry.file, action: "move to cur/ the message file")
                moved.append(item)
            }
            try Posix.syncDirectory(folder.absolute("cur"))
            try record(moved.map(\.entry))
            try MaildirIntentJournal.clear(root: root.path)
        } catch {
            // Never reported stored and never recorded: the copies did not happen.
            for item in staged {
                try? Posix.removeFile(folder.absolute("tmp/" + item.entry.key))
                try? Posix.removeFile(root.path + "/" + item.entry.file)
                outcomes[item.index] = .failed(error)
            }
            try? Posix.syncDirectory(folder.absolute("cur"))
            try? MaildirIntentJournal.clear(root: root.path)
        }
        return outcomes
    }

    /// Writes one message into `tmp/` under its key, synced, dated; returns the manifest line it will
    /// have in `cur/`. On a failure nothing of it is left behind.
    private func stage(_ message: OutgoingMessage, in folder: MaildirFolder) throws -> MaildirManifestEntry {
        let flags = MessageFlags.storable(message.flags)
        let date = message.internalDate ?? MaildirDates.messageDate(Date())
        // Unique by time, process, counter and 64 random bits; the file in tmp/ is created exclusively.
        let key = MaildirUniqueName.make(size: message.body.count)
        let name = MaildirFileName(unique: key, letters: MaildirFlags.letters(for: flags))
        try Posix.createFile(folder.absolute("tmp/" + key), content: message.body, modified: date.instant, action: "write the message file")
        return MaildirManifestEntry(folder: folder.path, key: key, file: folder.relative("cur/" + name.name), size: message.body.count,
                                    internalDate: date.text, flags: flags, sha256: try message.sha256 ?? message.body.sha256(),
                                    source: message.sourceIdentity)
    }

    /// Replaces the flags of messages of the folder opened for writing: each file is renamed to its new
    /// letters (a file in `new/` moves to `cur/`), then one manifest line per changed message is appended.
    public func replaceFlags(of uids: [MessageKey], with flags: [String]) async throws {
        try requireWritable()
        guard let opened, opened.forWriting else {
            throw MailStoreError(.failed, "no folder of \(root.path) is open for writing, so flags cannot change")
        }
        let (folder, messages) = try openMessages()
        defer { invalidate(folder) }
        let wanted = MessageFlags.storable(flags)
        let name = { (key: String) in MaildirFileName(unique: key, letters: MaildirFlags.letters(for: wanted)) }
        var lines: [MaildirManifestEntry] = []
        do {
            for message in Self.selected(.uids(uids), from: messages) where Set(wanted) != message.flags || !message.file.hasPrefix("cur/") {
                let file = "cur/" + name(message.key).name
                if file != message.file {
                    try Posix.move(folder.absolute(message.file), to: folder.absolute(file), action: "give new flags to the message file")
                }
                var line = try message.recorded ?? MaildirRecovery.describe(folder: folder, file: file, name: name(message.key))
                line.file = folder.relative(file)
                line.flags = wanted
                lines.append(line)
            }
        } catch {
            // The files renamed so far are recorded under their new names before the failure is reported.
            try? commit(lines, in: folder)
            throw error
        }
        try commit(lines, in: folder)
    }

    /// Syncs the folder's renames and appends their manifest lines.
    private func commit(_ lines: [MaildirManifestEntry], in folder: MaildirFolder) throws {
        guard !lines.isEmpty else { return }
        try Posix.syncDirectory(folder.absolute("cur"))
        if Posix.isDirectory(folder.absolute("new")) { try Posix.syncDirectory(folder.absolute("new")) }
        try record(lines)
    }

    /// Appends manifest lines and takes them into the session's manifest.
    private func record(_ lines: [MaildirManifestEntry]) throws {
        try requireWritable()
        guard let writer = root.writer else { return }
        try writer.append(lines)
        for line in lines { root.manifest?.record(line) }
    }
}
