import Foundation
import MailMigCore

/// One session on one mailbox's Maildir: its folders, messages and manifest.
///
/// Speaks plan-form paths with `/` between levels; INBOX is the root Maildir and only the path `INBOX`
/// names it (`Inbox` is a folder of its own, as on a server under the prefix `INBOX.`). Messages are
/// named by the unique part of their file name (`MessageKey.name`); each folder reports a constant
/// UIDVALIDITY and no UIDNEXT. Nothing tracks changes, and any bytes, NUL included, are stored as
/// given. On a Maildir another program wrote (no manifest), the session reads and never writes.
public actor MaildirStoreSession: MailStoreSession {
    /// Which side it serves.
    public nonisolated let side: MailSide
    /// `/`: plan-form levels are Maildir++ levels.
    public nonisolated var delimiter: Character? { "/" }
    /// False: a Maildir has no mod-sequences.
    public nonisolated var tracksChanges: Bool { false }
    /// Only `INBOX` names the INBOX: every other spelling is a folder of its own.
    public nonisolated var inboxSpelling: InboxSpelling { .exact }
    /// True: files hold any bytes.
    public var acceptsNUL: Bool { true }

    /// The opened root, with its manifest.
    var root: MaildirRoot
    /// The open folder: where it is, whether flags may change, and its messages once listed.
    var opened: (folder: MaildirFolder, forWriting: Bool, messages: [String: MaildirMessage]?)?

    /// A session over an opened root.
    init(side: MailSide, root: MaildirRoot) {
        self.side = side
        self.root = root
    }

    /// Ends the session: releases the Maildir's lock.
    func end() {
        opened = nil
        root.close()
    }

    /// INBOX and every folder, with counts and UIDVALIDITY when `status` is true.
    public func folders(status: Bool) async throws -> [ListedFolder] {
        let folders = try MaildirTree.folders(root: root.path)
        let byPath = Dictionary(folders.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        return try MaildirTree.listings(of: folders).map { listing in
            guard status, listing.selectable, let folder = byPath[listing.path] else {
                return ListedFolder(listing: listing, status: nil)
            }
            return ListedFolder(listing: listing, status: FolderStatus(messages: try folder.messageCount(), uidNext: nil,
                                                                         uidValidity: folder.uidValidity, highestModSeq: modSeq(of: folder)))
        }
    }

    /// The subscribed folders.
    public func subscribedFolders() async throws -> Set<String> {
        try MaildirSubscriptions.read(root: root.path)
    }

    /// Creates a folder; one that exists already is left as it is.
    public func createFolder(_ path: String) async throws {
        try requireWritable()
        try MaildirFolderCreation.create(try folder(path))
    }

    /// Subscribes to a folder.
    public func subscribe(_ path: String) async throws {
        try requireWritable()
        var paths = try MaildirSubscriptions.read(root: root.path)
        guard paths.insert(path).inserted else { return }
        try MaildirSubscriptions.write(paths, root: root.path)
    }

    /// Opens a folder; `.noSuchFolder` when it has no Maildir.
    public func openFolder(_ path: String, forWriting: Bool) async throws -> FolderSnapshot {
        opened = nil
        let folder = try self.folder(path)
        guard folder.exists else {
            throw MailStoreError(.noSuchFolder, "there is no folder '\(path)' in \(root.path) (no Maildir at \(folder.location))")
        }
        let messages = try MaildirMessage.catalogue(of: folder, manifest: root.manifest)
        opened = (folder, forWriting, messages)
        return FolderSnapshot(uidValidity: folder.uidValidity, uidNext: nil, highestModSeq: modSeq(of: folder), exists: messages.count)
    }

    /// The folder's manifest line count as its mod-sequence, so that a pass can tell an unchanged folder
    /// from one whose flags changed; nil for a Maildir without a manifest (another program's), whose
    /// flags may change unrecorded. Recovery, run when the session opened, has recorded every file
    /// renamed or added since, so the count covers changes made outside mailmig too.
    func modSeq(of folder: MaildirFolder) -> UInt64? {
        root.manifest.map { UInt64($0.changeCount(of: folder.path)) }
    }

    /// Closes the open folder, if any.
    public func closeFolder() async throws {
        opened = nil
    }

    /// The folder at `path`: the directory its name makes, or else the one a listing gave that path
    /// (another program may name directories otherwise, e.g. with an unescaped `%`), so a listed path
    /// always opens the folder it was listed for.
    func folder(_ path: String) throws -> MaildirFolder {
        let derived: MaildirFolder
        do {
            derived = try MaildirFolder(root: root.path, path: path)
        } catch {
            guard let listed = try MaildirTree.folders(root: root.path).first(where: { $0.path == path }) else { throw error }
            return listed
        }
        if derived.exists { return derived }
        return try MaildirTree.folders(root: root.path).first { $0.path == path } ?? derived
    }

    /// Fails unless the session may write: a target on a Maildir of this store.
    func requireWritable() throws {
        guard side == .target, root.writer != nil else {
            throw MailStoreError(.failed, "\(root.path) is read as a source here; mailmig does not write to it")
        }
    }

    /// The open folder and its messages, listed now if they were not yet; fails when none is open.
    func openMessages() throws -> (folder: MaildirFolder, messages: [String: MaildirMessage]) {
        guard let opened else { throw MailStoreError(.failed, "no folder of \(root.path) is open") }
        if let messages = opened.messages { return (opened.folder, messages) }
        let messages = try MaildirMessage.catalogue(of: opened.folder, manifest: root.manifest)
        self.opened?.messages = messages
        return (opened.folder, messages)
    }

    /// Forgets the open folder's message list when `folder` is that folder, so it is read again.
    func invalidate(_ folder: MaildirFolder) {
        if opened?.folder == folder { opened?.messages = nil }
    }
}
