import Foundation

/// What a change does to its resource, shown with the symbols operators know from Terraform.
public enum ChangeAction: String, Sendable, Codable, CaseIterable {
    /// `+`: something new.
    case create
    /// `~`: something changed in place.
    case update
    /// `-`: something removed (for DNS: returned to what it was before mailmig).
    case delete
    /// `»`: mail copied.
    case copy

    /// The plan output's symbol.
    public var symbol: String {
        switch self {
        case .create: return "+"
        case .update: return "~"
        case .delete: return "-"
        case .copy: return "»"
        }
    }

    /// The legend's word.
    public var legend: String {
        switch self {
        case .create: return "create"
        case .update: return "update in place"
        case .delete: return "destroy (restore what was there before)"
        case .copy: return "copy mail"
        }
    }
}

/// One step of an execution plan: idempotent, journaled, with enough detail to apply and to invert it.
public struct PlannedStep: Sendable, Equatable, Codable {
    /// Unique within its plan, stable for the same inputs (`dns:domain.acme.test/dns/@/MX`).
    public var id: String
    /// The resource it changes.
    public var address: String
    /// Create, update, delete or copy.
    public var action: ChangeAction
    /// Why, in words: "lower the TTL to 300s ahead of the cutover".
    public var reason: String
    /// What to do: the payload of one step kind.
    public var work: StepWork
    /// Ids of steps that must be done first.
    public var dependsOn: [String]
}

/// A managed object found changed outside mailmig.
public struct DriftItem: Sendable, Equatable, Codable {
    /// The resource.
    public var address: String
    /// What mailmig last recorded.
    public var recorded: String
    /// What is there now.
    public var live: String
    /// What the plan does about it.
    public var resolution: String
}

/// A change the plan asks for that a safety gate holds back.
public struct BlockedItem: Sendable, Equatable, Codable {
    /// The resource (`domain.acme.test`).
    public var address: String
    /// Why, in one sentence.
    public var reason: String
    /// The earliest time it can go ahead, when that is a matter of time.
    public var earliest: Date?
    /// Held back by an error (a mailbox that could not be read, or whose folders would merge) rather
    /// than by a gate; `plan` then exits 1. Nil in plans saved before it existed.
    public var isError: Bool?

    /// Creates an item.
    public init(address: String, reason: String, earliest: Date?, isError: Bool? = nil) {
        self.address = address
        self.reason = reason
        self.earliest = earliest
        self.isError = isError
    }
}

/// Everything `mailmig plan` found: ordered steps, drift, and what is held back.
public struct ExecutionPlan: Sendable, Equatable, Codable {
    /// The steps, in execution order.
    public var steps: [PlannedStep]
    /// Changes made outside mailmig.
    public var drift: [DriftItem]
    /// Changes held back by a gate.
    public var blocked: [BlockedItem]
    /// Things the operator should know (e.g. `--force` overriding a gate).
    public var warnings: [String]

    /// An empty plan.
    public static let empty = ExecutionPlan(steps: [], drift: [], blocked: [], warnings: [])

    /// Whether there is anything to do.
    public var hasChanges: Bool { !steps.isEmpty }

    /// How many steps of each action.
    public func count(_ action: ChangeAction) -> Int { steps.filter { $0.action == action }.count }
}
