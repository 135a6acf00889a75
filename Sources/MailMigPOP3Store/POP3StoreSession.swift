import Foundation
import MailMigCore
import MailMigPOP3

/// One logged-in POP3 session as one mailbox: the `MailStoreSession` of `POP3MailStore`.
///
/// The maildrop is one folder, named by the plan (`source.pop3_folder`, `INBOX` by default), with a
/// constant UIDVALIDITY of 1: unique-ids are stable by definition (RFC 1939 §7), so the keys never
/// need renumbering. Its HIGHESTMODSEQ is `Maildrop.changeTag`: POP3 has no flags to change, so a
/// folder whose unique-ids are the same as at the last pass needs no pass at all. The maildrop is
/// listed once, when the session starts; a message delivered later waits for the next pass. Nothing
/// here writes: POP3 can only read, and the engine never writes to its source.
actor POP3StoreSession: MailStoreSession {
    /// The constant UIDVALIDITY of the maildrop.
    static let uidValidity: UInt32 = 1

    nonisolated let side: MailSide
    /// The plan-form path of the one folder.
    nonisolated let folder: String
    let client: POP3Client
    /// LIST and UIDL at the start of the session.
    let maildrop: Maildrop
    /// The internal date of a message whose header gives none: when the session began.
    let passTime: MessageDate
    /// Whether TOP is used for headers: unless CAPA was answered without it (TOP is optional, RFC 1939 §7).
    var readsHeadersWithTOP: Bool
    /// Header facts already read in this session, by key: TOP is asked once per message.
    var facts: [MessageKey: HeaderFacts] = [:]

    init(client: POP3Client, side: MailSide, folder: String, maildrop: Maildrop, passTime: Date, capabilities: POP3Capabilities?) {
        self.client = client
        self.side = side
        self.folder = folder
        self.maildrop = maildrop
        self.passTime = ArrivalDate.utc(passTime)
        self.readsHeadersWithTOP = capabilities?.supportsTOP ?? true
    }

    /// Lists the maildrop of a logged-in client. A server without UIDL is refused: without unique-ids a
    /// message could not be recognised in a later pass, and the ledger would copy it again.
    static func start(client: POP3Client, side: MailSide, folder: String, passTime: Date) async throws -> POP3StoreSession {
        let listing: [POP3MessageInfo]
        do {
            listing = try await client.listing()
        } catch where POP3ErrorClassifier.refusesUIDL(error) {
            throw MailStoreError(.failed, "the POP3 server gives messages no unique-ids (\(error)), so a message could not be "
                + "recognised in a later pass and would be copied again; nothing is copied from this maildrop")
        }
        return POP3StoreSession(client: client, side: side, folder: folder, maildrop: try Maildrop(listing), passTime: passTime,
                                capabilities: await client.capabilities)
    }

    nonisolated var delimiter: Character? { nil }
    nonisolated var tracksChanges: Bool { false }
    /// Never asked of a source: nothing is stored here.
    nonisolated var acceptsNUL: Bool { false }
    /// The folder is the INBOX when the plan names it so in any case, and then goes to the target's INBOX.
    nonisolated var inboxSpelling: InboxSpelling { .anyCase }

    /// Whether `path` names the maildrop's folder.
    nonisolated func names(_ path: String) -> Bool {
        path == folder || (inboxSpelling.names(folder) && inboxSpelling.names(path))
    }

    func folders(status: Bool) async throws -> [ListedFolder] {
        let levels = folder.split(separator: "/").map(String.init)
        let listing = FolderListing(levels: levels, specialUse: nil, selectable: true, isInbox: inboxSpelling.names(folder))
        let counts = FolderStatus(messages: maildrop.entries.count, uidNext: nil, uidValidity: Self.uidValidity, highestModSeq: maildrop.changeTag)
        return [ListedFolder(listing: listing, status: status ? counts : nil)]
    }

    func subscribedFolders() async throws -> Set<String> { [folder] }

    func openFolder(_ path: String, forWriting: Bool) async throws -> FolderSnapshot {
        guard names(path) else {
            throw MailStoreError(.noSuchFolder, "a POP3 maildrop is the one folder '\(folder)'; there is no folder '\(path)'")
        }
        if forWriting { throw Self.readOnly }
        return FolderSnapshot(uidValidity: Self.uidValidity, uidNext: nil, highestModSeq: maildrop.changeTag, exists: maildrop.entries.count)
    }

    /// Nothing to close: the maildrop stays as it is until the session ends.
    func closeFolder() async throws {}

    func createFolder(_ path: String) async throws { throw Self.readOnly }
    func subscribe(_ path: String) async throws { throw Self.readOnly }
    func append(_ messages: [OutgoingMessage], to path: String) async throws -> [AppendOutcome] { throw Self.readOnly }
    func replaceFlags(of uids: [MessageKey], with flags: [String]) async throws { throw Self.readOnly }

    /// What every write answers.
    static let readOnly = MailStoreError(.failed, "a POP3 maildrop cannot be written")

    /// Ends the session with QUIT (the library closes without it where QUIT would remove what was
    /// retrieved, `EXPIRE 0`), ignoring errors: the session is done either way.
    func end() async {
        try? await client.quit()
        await client.close()
    }
}
