import Foundation

/// Everything mail steps need beyond the state: the plan and a mail store per side.
public struct MailContext: Sendable {
    /// The plan.
    public let plan: Plan
    /// The source store.
    public let source: any MailStore
    /// The target store.
    public let target: any MailStore
    /// The backup every pass first copies the source to (`backup:`), when the plan has one.
    public let backup: (any MailStore)?
    /// The source's contacts and calendars, when the plan has `collections` and the build a store for `source.dav`.
    public let sourceCollections: (any CollectionStore)?
    /// The target's contacts and calendars, likewise.
    public let targetCollections: (any CollectionStore)?
    /// The environment secrets and commands are resolved in.
    public let environment: [String: String]
    /// The passes the running apply has no mailbox for, lent to mailbox passes still running.
    public let lanes = SpareLanes()
    private let mailboxesBySource: [String: MailboxMapping]

    /// Creates the context of a plan, with the stores `registry` makes for its two sides.
    public init(plan: Plan, registry: MailStoreRegistry, collections: CollectionStoreRegistry = CollectionStoreRegistry(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        let context = AdapterContext(baseDirectory: plan.baseDirectory, environment: environment)
        let backup = plan.backup.map { settings in
            let server = settings.server
            return registry.store(side: .target, server: server, context: context) ?? UnavailableMailStore(side: .target, server: server)
        }
        self.init(plan: plan,
                  source: registry.store(side: .source, server: plan.source, context: context) ?? UnavailableMailStore(side: .source, server: plan.source),
                  target: registry.store(side: .target, server: plan.target, context: context) ?? UnavailableMailStore(side: .target, server: plan.target),
                  backup: backup,
                  sourceCollections: plan.collections == nil ? nil : collections.store(side: .source, server: plan.source, context: context),
                  targetCollections: plan.collections == nil ? nil : collections.store(side: .target, server: plan.target, context: context),
                  environment: environment)
    }

    /// Creates the context of a plan over the given stores.
    public init(plan: Plan, source: any MailStore, target: any MailStore, backup: (any MailStore)? = nil,
                sourceCollections: (any CollectionStore)? = nil, targetCollections: (any CollectionStore)? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.sourceCollections = sourceCollections
        self.targetCollections = targetCollections
        self.plan = plan
        self.source = source
        self.target = target
        self.backup = backup
        self.environment = environment
        self.mailboxesBySource = Dictionary(plan.mailboxes.map { ($0.source.description, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The plan's mailbox with this source address.
    public func mailbox(_ source: String) -> MailboxMapping? {
        mailboxesBySource[source]
    }

    /// The settings of a pass to `stage` at time `now`.
    public func settings(for stage: Stage, now: Date) -> MailPassSettings {
        let cutoff = stage == .presync ? now.addingTimeInterval(-TimeInterval(plan.stages.presyncOlderThan.seconds)) : nil
        return MailPassSettings(stage: stage, cutoff: cutoff, maxMessageSize: plan.filters.maxMessageSize, folders: plan.folders,
                                dedupeTarget: plan.dedupe == .target, dedupeChosen: plan.dedupe != nil)
    }

    /// The settings of the backup copy that runs before a pass with `pass`: the same stage and cutoff,
    /// every folder under its own name (only `folders.exclude` applies), no size limit (the backup
    /// keeps what a target may refuse), and copies already in the tree recognised, so that a backup
    /// whose state was lost is completed, not doubled.
    public func backupSettings(for pass: MailPassSettings) -> MailPassSettings {
        var settings = pass
        settings.folders = FolderRules(automap: false, map: [:], exclude: pass.folders.exclude)
        settings.maxMessageSize = nil
        settings.maxMessageSizeText = nil
        settings.dedupeTarget = true
        settings.dedupeChosen = true
        return settings
    }
}
