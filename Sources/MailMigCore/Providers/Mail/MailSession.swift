import MailMigIMAP

/// One logged-in IMAP connection as one mailbox, speaking in plan-form folder paths.
///
/// Plans write folders with `/` between levels and without the server's namespace prefix; this
/// converts to and from each server's own delimiter and prefix (`INBOX.Sent` on a `.` server with
/// prefix `INBOX.`, `Sent` on a `/` server without one).
public struct MailSession: Sendable {
    /// The IMAP connection.
    public let client: IMAPClient
    /// Which side it is.
    public let side: MailSide
    /// The mailbox (source address) it acts for, for messages.
    public let mailbox: String
    /// The hierarchy delimiter of the personal namespace.
    public let delimiter: Character?
    /// The personal namespace prefix (`INBOX.` or empty).
    public let prefix: String
    /// Whether the server offers CONDSTORE (mod-sequences for cheap flag deltas).
    public let condstore: Bool

    /// Finishes setting up a logged-in client: enables CONDSTORE, learns the namespace.
    static func start(client: IMAPClient, side: MailSide, mailbox: String) async throws -> MailSession {
        _ = try await client.refreshCapabilities()
        let enabled = try await client.enable(["CONDSTORE"])
        let capabilities = await client.capabilities
        var prefix = ""
        var delimiter: Character?
        if capabilities.contains("NAMESPACE"), let personal = try await client.namespaces().personal.first {
            prefix = personal.prefix
            delimiter = personal.delimiter
        }
        if delimiter == nil { delimiter = try await client.hierarchyDelimiter() }
        return MailSession(client: client, side: side, mailbox: mailbox, delimiter: delimiter, prefix: prefix,
                           condstore: enabled.contains("CONDSTORE") || capabilities.contains("CONDSTORE"))
    }

    /// The server's name for a plan-form folder path.
    public func serverName(_ path: String) -> String {
        if path.uppercased() == "INBOX" { return "INBOX" }
        let levels = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let joined = delimiter.map { levels.joined(separator: String($0)) } ?? levels.joined()
        return prefix + joined
    }

    /// The plan-form levels of a server folder name.
    public func levels(of serverName: String) -> [String] {
        if serverName.uppercased() == "INBOX" { return ["INBOX"] }
        var name = Substring(serverName)
        if !prefix.isEmpty, name.hasPrefix(prefix) { name = name.dropFirst(prefix.count) }
        guard let delimiter else { return [String(name)] }
        return name.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
    }

    /// Every folder with its role, and its STATUS when asked.
    public func folders(status: Bool = false) async throws -> [(listing: FolderListing, status: MailMigIMAP.MailboxStatus?)] {
        try await client.list(status: status).compactMap { info in
            // The namespace prefix itself (e.g. `INBOX.` listed as a parent) is not a folder of its own.
            let levels = levels(of: info.name)
            guard !levels.isEmpty, !levels.contains(where: \.isEmpty) else { return nil }
            return (FolderListing(levels: levels, specialUse: info.specialUse?.rawValue, selectable: info.isSelectable), info.status)
        }
    }

    /// Subscribed folders, in plan form.
    public func subscribedFolders() async throws -> Set<String> {
        Set(try await client.listSubscribed().map { levels(of: $0.name).joined(separator: "/") })
    }

    /// Logs out and closes, ignoring errors (the session is done either way).
    public func close() async {
        try? await client.logout()
        await client.close()
    }
}
