import Foundation

/// A whole migration as described by a plan file (format version 1), checked and typed.
public struct Plan: Sendable, Hashable, Codable {
    /// The format version (`mailmig: 1`).
    public var formatVersion: Int
    /// The migration's name, used in reports and state.
    public var name: String
    /// The system mail comes from. Nothing is ever deleted there.
    public var source: MailServer
    /// The system mail goes to.
    public var target: MailServer
    /// DNS systems the plan may update.
    public var dns: DNSSettings
    /// Domains whose DNS is managed through the cutover.
    public var domains: [Domain]
    /// Mailboxes to migrate, in the order written (imports expanded in place).
    public var mailboxes: [MailboxMapping]
    /// Folder mapping rules.
    public var folders: FolderRules
    /// Message filters.
    public var filters: Filters
    /// Batches, each with its mailboxes resolved.
    public var batches: [Batch]
    /// Stage settings.
    public var stages: StageSettings
    /// Whether to look for copies already on the target; nil when the plan does not say, and then a
    /// mailbox whose target folders already hold mail the state knows nothing of is held back.
    public var dedupe: Dedupe?
    /// Where every pass first keeps a local copy of the source mailbox; nil: no backup.
    public var backup: BackupSettings?
    /// Which contacts and calendars move (`collections:`); nil: none (mail only).
    public var collections: CollectionRules? = nil
    /// Where the state lives: `.mailmig/` next to the plan, or a shared PostgreSQL database.
    public var state: StateSettings = .local
    /// The plan file as given by the user.
    public var file: String
    /// The folder relative paths in the plan resolve against.
    public var baseDirectory: URL

    /// How copies already on the target are treated.
    public enum Dedupe: String, Sendable, Hashable, Codable, CaseIterable {
        /// The ledger alone decides what was copied.
        case none
        /// Messages already on the target (same Message-ID, size and internal date) are recorded, not copied.
        case target
    }

    /// The source addresses of a batch's mailboxes, resolved from its selection.
    public var batchMembers: [String: [EmailAddress]]

    /// Creates a plan from its checked parts.
    public init(
        formatVersion: Int,
        name: String,
        source: MailServer,
        target: MailServer,
        dns: DNSSettings,
        domains: [Domain],
        mailboxes: [MailboxMapping],
        folders: FolderRules,
        filters: Filters,
        batches: [Batch],
        stages: StageSettings,
        dedupe: Dedupe?,
        backup: BackupSettings? = nil,
        state: StateSettings = .local,
        file: String,
        baseDirectory: URL,
        batchMembers: [String: [EmailAddress]]
    ) {
        self.formatVersion = formatVersion
        self.name = name
        self.source = source
        self.target = target
        self.dns = dns
        self.domains = domains
        self.mailboxes = mailboxes
        self.folders = folders
        self.filters = filters
        self.batches = batches
        self.stages = stages
        self.dedupe = dedupe
        self.backup = backup
        self.state = state
        self.file = file
        self.baseDirectory = baseDirectory
        self.batchMembers = batchMembers
    }

}
