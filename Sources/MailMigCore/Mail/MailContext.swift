import Foundation

/// Everything mail steps need beyond the state: the plan and a connector per side.
public struct MailContext: Sendable {
    /// The plan.
    public let plan: Plan
    /// Connections to the source.
    public let source: MailConnector
    /// Connections to the target.
    public let target: MailConnector
    /// The environment secrets and commands are resolved in.
    public let environment: [String: String]
    private let mailboxesBySource: [String: MailboxMapping]

    /// Creates the context of a plan.
    public init(plan: Plan, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base = URL(fileURLWithPath: plan.baseDirectory)
        self.plan = plan
        self.source = MailConnector(side: .source, server: plan.source, baseDirectory: base, environment: environment)
        self.target = MailConnector(side: .target, server: plan.target, baseDirectory: base, environment: environment)
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
                                dedupeTarget: plan.dedupe == .target)
    }
}
