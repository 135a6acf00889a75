import Foundation

/// Everything mail steps need beyond the state: the plan and a mail store per side.
public struct MailContext: Sendable {
    /// The plan.
    public let plan: Plan
    /// The source store.
    public let source: any MailStore
    /// The target store.
    public let target: any MailStore
    /// The environment secrets and commands are resolved in.
    public let environment: [String: String]
    private let mailboxesBySource: [String: MailboxMapping]

    /// Creates the context of a plan, with the stores `registry` makes for its two sides.
    public init(plan: Plan, registry: MailStoreRegistry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let context = AdapterContext(baseDirectory: plan.baseDirectory, environment: environment)
        self.init(plan: plan,
                  source: registry.store(side: .source, server: plan.source, context: context) ?? UnavailableMailStore(side: .source, server: plan.source),
                  target: registry.store(side: .target, server: plan.target, context: context) ?? UnavailableMailStore(side: .target, server: plan.target),
                  environment: environment)
    }

    /// Creates the context of a plan over the given stores.
    public init(plan: Plan, source: any MailStore, target: any MailStore, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.plan = plan
        self.source = source
        self.target = target
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
}
