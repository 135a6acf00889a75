import Foundation

/// Plans one kind of resource: reads what it needs (the state, the live systems) and returns steps,
/// drift, held-back items and warnings. `Engine.plan` runs every planner of `ResourcePlanners.all` in
/// order and joins their plans.
public protocol ResourcePlanner: Sendable {
    /// The part of the execution plan for this kind of resource.
    func plan(_ context: PlanningContext) async throws -> ExecutionPlan
}

/// What a planner may use: the workspace, the state, the operator's options and the time.
public struct PlanningContext: Sendable {
    /// The plan and its systems.
    public let workspace: Workspace
    /// The state.
    public let store: StateStore
    /// `--force`: gates only warn.
    public let force: Bool
    /// `--target`/`--exclude`.
    public let filter: ResourceFilter
    /// Whether to look at the live systems (false: plan from the state alone, where a kind can).
    public let refresh: Bool
    /// Whether a mailbox already brought to its stage is left for its pass to check for new mail, in the
    /// session that copies it, instead of being asked while planning: for an apply that runs what it
    /// plans without showing it for approval, where asking twice would log in to the source twice.
    public var checkInPass = false
    /// The time of planning.
    public let now: Date
}

/// The planners, in the order their steps run: DNS (verification and TTL lowering come first), then
/// mail, then contacts and calendars.
public enum ResourcePlanners {
    /// Every planner; a new resource kind adds one line.
    public static let all: [any ResourcePlanner] = [DNSResourcePlanner(), MailResourcePlanner(), CollectionResourcePlanner()]
}
