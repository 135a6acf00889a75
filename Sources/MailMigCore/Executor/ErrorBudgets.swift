/// The error budgets of an apply: the batch each mailbox is charged to and how many failed mailboxes
/// each batch may have before it starts no new step.
///
/// A failed step that works on a mailbox (a pass, a provisioning) is charged to that mailbox's batch;
/// the other batches go on. A failed step of no mailbox (DNS) stops the whole apply, as before budgets.
public struct ErrorBudgets: Sendable, Equatable {
    /// The batch of each source mailbox, by address.
    public var batchOf: [String: String]
    /// Failed mailboxes each batch may have; a batch without an entry has no limit.
    public var allowed: [String: Int]
    /// Each budget as the plan wrote it.
    public var written: [String: ErrorBudget]

    /// Budgets read from the plan's batches; a percentage is taken of the batch's mailboxes.
    public init(plan: Plan) {
        var batchOf: [String: String] = [:]
        var allowed: [String: Int] = [:]
        var written: [String: ErrorBudget] = [:]
        for batch in plan.batches {
            let members = plan.batchMembers[batch.name] ?? []
            for member in members { batchOf[member.description] = batch.name }
            if let budget = batch.errorBudget {
                allowed[batch.name] = budget.allowedFailures(members: members.count)
                written[batch.name] = budget
            }
        }
        self.init(batchOf: batchOf, allowed: allowed, written: written)
    }

    /// Budgets given directly.
    public init(batchOf: [String: String], allowed: [String: Int], written: [String: ErrorBudget] = [:]) {
        self.batchOf = batchOf
        self.allowed = allowed
        self.written = written
    }

    /// No batches: every failure stops the apply (rollbacks, and runs without a plan's batches).
    public static let none = ErrorBudgets(batchOf: [:], allowed: [:])

    /// The batch a step is charged to, if it works on a mailbox of one.
    func batch(of step: PlannedStep) -> String? {
        step.work.mailbox.flatMap { batchOf[$0] }
    }
}

/// A batch whose error budget an apply spent: from then on none of its steps started.
public struct BudgetExhaustion: Sendable, Equatable, CustomStringConvertible {
    /// The batch.
    public var batch: String
    /// Its mailboxes that failed in this apply, sorted.
    public var failedMailboxes: [String]
    /// The failed mailboxes its budget allowed.
    public var allowed: Int
    /// The budget as the plan wrote it (`2`, `10%`).
    public var budget: String

    /// `the error budget of batch 'wave-25' is spent: 3 mailboxes failed, error_budget: 2 allows 2`.
    public var description: String {
        let failed = failedMailboxes.count
        let allows = budget.hasSuffix("%") ? "error_budget: \(budget) allows \(allowed)" : "error_budget: \(budget)"
        return "the error budget of batch '\(batch)' is spent: \(failed) mailbox\(failed == 1 ? "" : "es") failed, \(allows)"
    }
}

/// What the executor has charged so far; decides which steps may still start.
struct BudgetLedger {
    let budgets: ErrorBudgets
    private(set) var failed: [String: Set<String>] = [:]
    private(set) var exhausted: [String: BudgetExhaustion] = [:]
    /// A failure no budget absorbs has happened: nothing new starts.
    private(set) var stopAll = false

    init(budgets: ErrorBudgets) {
        self.budgets = budgets
    }

    /// Whether a ready step may start.
    func mayStart(_ step: PlannedStep) -> Bool {
        guard !stopAll else { return false }
        guard let batch = budgets.batch(of: step) else { return true }
        return exhausted[batch] == nil
    }

    /// Charges a failed step to its batch's budget, or stops the apply when it has none.
    mutating func charge(_ step: PlannedStep) {
        guard let batch = budgets.batch(of: step), let mailbox = step.work.mailbox else {
            stopAll = true
            return
        }
        failed[batch, default: []].insert(mailbox)
        guard let allowed = budgets.allowed[batch], failed[batch, default: []].count > allowed else { return }
        exhausted[batch] = BudgetExhaustion(batch: batch, failedMailboxes: failed[batch, default: []].sorted(), allowed: allowed,
                                            budget: budgets.written[batch]?.description ?? "\(allowed)")
    }

    /// The spent budgets, in batch name order, with every failure of their batch counted.
    var exhaustions: [BudgetExhaustion] {
        exhausted.keys.sorted().compactMap { batch in
            exhausted[batch].map { spent in
                var spent = spent
                spent.failedMailboxes = failed[batch, default: []].sorted()
                return spent
            }
        }
    }
}
