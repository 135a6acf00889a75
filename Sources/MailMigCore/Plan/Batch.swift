/// A group of mailboxes that move through the stages together (a pilot, a wave).
public struct Batch: Sendable, Hashable, Codable {
    /// The batch's name, unique in the plan.
    public var name: String
    /// Which mailboxes belong to it.
    public var selection: Selection
    /// How far this batch should go.
    public var stage: Stage
    /// How many mailboxes may fail before the batch stops starting new ones; nil: no limit.
    public var errorBudget: ErrorBudget?
    /// How many skipped messages a mailbox of this batch may have before its pass counts as failed
    /// (Exchange's bad-item limit); nil: no limit.
    public var maxSkipped: Int?
    /// Where the batch was declared.
    public var location: SourceLocation

    /// Creates a batch.
    public init(name: String, selection: Selection, stage: Stage, errorBudget: ErrorBudget? = nil, maxSkipped: Int? = nil,
                location: SourceLocation) {
        self.name = name
        self.selection = selection
        self.stage = stage
        self.errorBudget = errorBudget
        self.maxSkipped = maxSkipped
        self.location = location
    }

    /// How a batch names its mailboxes.
    public enum Selection: Sendable, Hashable, Codable {
        /// Source addresses listed one by one.
        case mailboxes([EmailAddress])
        /// Every mailbox carrying at least one of these tags.
        case tags([String])
        /// Every mailbox no other batch takes.
        case rest
    }
}

/// The stages of a batch, in the order they are reached.
public enum Stage: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Target mailboxes and folders exist; nothing copied.
    case prepare
    /// Mail older than `stages.presync.older_than` is copied.
    case presync
    /// Everything is copied; every apply is an incremental pass.
    case sync
    /// The last delta pass after the domain's cutover; then the batch is done.
    case final

    /// The position in the sequence.
    private var order: Int {
        switch self {
        case .prepare: return 0
        case .presync: return 1
        case .sync: return 2
        case .final: return 3
        }
    }

    /// Stages compare by their position in the sequence.
    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.order < rhs.order }
}

/// Settings of the stages.
public struct StageSettings: Sendable, Hashable, Codable {
    /// `presync` copies messages whose internal date is older than this.
    public var presyncOlderThan: PlanDuration

    /// Creates stage settings.
    public init(presyncOlderThan: PlanDuration) {
        self.presyncOlderThan = presyncOlderThan
    }

    /// Thirty days, the usual split between history and recent mail.
    public static let standard = StageSettings(presyncOlderThan: PlanDuration(seconds: 30 * 86_400, text: "30d"))
}
