import Foundation

/// The step kind that makes one pass over one kind of a mailbox's collections (its address books, its
/// calendars or its task lists): collections created, new items copied, changed items updated.
public enum CollectionPassStep: StepKind {
    public static let name = "collections"

    public static func perform(_ work: CollectionWork, step: PlannedStep, in context: StepContext) async throws -> StepResult {
        let mail = try context.mailContext()
        do {
            let copier = try CollectionCopier(work: work, context: mail, store: context.store, faults: context.faults, now: context.now)
            return try await copier.pass()
        } catch {
            // Kept for status and the report, beside the last pass that completed.
            let address = CollectionRecord.address(work.source, kind: work.kind)
            var record = (try? context.store.resource(address)).flatMap { try? $0.decode(CollectionRecord.self) }
                ?? CollectionRecord(source: work.source, target: work.target, kind: work.kind)
            record.lastError = "\(error)"
            record.lastFailure = context.now()
            if let change = try? ResourceChange.put(address, kind: CollectionRecord.kind, record) { _ = try? context.store.commit([change]) }
            throw error
        }
    }

    /// Items a killed pass was storing are in the ledger as pending; the next pass settles them on
    /// the target by name or UID before it stores anything again.
    public static func recover(_ work: CollectionWork, step: PlannedStep, in context: StepContext) async throws -> StepRecovery {
        .failed(error: "interrupted; the next pass settles the items it was storing",
                note: "recovered \(step.address): the interrupted pass is planned again and resumes from the ledger")
    }

    public static func detail(_ work: CollectionWork) -> [String] {
        var lines = ["\(work.source) → \(work.target), batch \(work.batch)"]
        if let estimate = work.estimate {
            if !estimate.newCollections.isEmpty {
                lines.append("+ create \(estimate.newCollections.map { "'\($0)'" }.joined(separator: ", ")) on the target")
            }
            if estimate.conflicts > 0 {
                lines.append("\(Formatting.count(estimate.conflicts)) \(estimate.conflicts == 1 ? "item" : "items") changed on the target since copied, or refused: reported, not overwritten")
            }
        }
        return lines
    }

    public static func beforeAfter(_ work: CollectionWork) -> (before: String, after: String) { (work.source, work.target) }

    public static func mailbox(_ work: CollectionWork) -> String? { work.source }

    public static func jsonFields(_ work: CollectionWork) -> [String: any Sendable] {
        var object: [String: any Sendable] = ["mailbox": work.source, "collections_kind": work.kind.rawValue]
        if let estimate = work.estimate {
            object["collections"] = estimate.collections
            object["items"] = estimate.items
            object["to_copy"] = estimate.toCopy
            object["to_update"] = estimate.toUpdate
            object["conflicts"] = estimate.conflicts
            object["new_conflicts"] = estimate.newConflicts
            object["new_collections"] = estimate.newCollections
        }
        return object
    }

    /// The plan line's summary: `2 address books, 412 contacts to copy`.
    public static func describe(_ work: CollectionWork) -> String {
        let nouns = (work.kind.collectionNoun, work.kind.itemNoun)
        guard let estimate = work.estimate else { return "pass over the \(nouns.0.many) (not looked at: --no-refresh)" }
        var text = "\(Formatting.count(estimate.collections)) \(estimate.collections == 1 ? nouns.0.one : nouns.0.many)"
        var parts: [String] = []
        if estimate.toCopy > 0 { parts.append("\(Formatting.count(estimate.toCopy)) \(estimate.toCopy == 1 ? nouns.1.one : nouns.1.many) to copy") }
        if estimate.toUpdate > 0 { parts.append("\(Formatting.count(estimate.toUpdate)) changed on the source to update") }
        if estimate.toSettle > 0 { parts.append("\(Formatting.count(estimate.toSettle)) to check on the target") }
        if estimate.newConflicts > 0 { parts.append("\(Formatting.count(estimate.newConflicts)) changed on the target to report") }
        if parts.isEmpty { parts.append("\(Formatting.count(estimate.items)) \(estimate.items == 1 ? nouns.1.one : nouns.1.many), nothing to copy") }
        text += ", " + parts.joined(separator: ", ")
        return text
    }
}

extension StepWork {
    /// One pass over one kind of a mailbox's collections.
    public static func collections(_ work: CollectionWork) -> StepWork { StepWork(CollectionPassStep.self, work) }

    /// The pass, when the step is a collection pass.
    public var collectionPass: CollectionWork? { payload(of: CollectionPassStep.self) }
}

/// One pass over the collections of one kind of one mailbox.
public struct CollectionWork: Sendable, Equatable, Codable {
    /// The source address.
    public var source: String
    /// The target address.
    public var target: String
    /// The batch it belongs to.
    public var batch: String
    /// Address books, calendars or task lists.
    public var kind: CollectionKind
    /// What planning found, when it looked.
    public var estimate: CollectionEstimate?

    /// Creates the work of a pass.
    public init(source: String, target: String, batch: String, kind: CollectionKind, estimate: CollectionEstimate? = nil) {
        self.source = source
        self.target = target
        self.batch = batch
        self.kind = kind
        self.estimate = estimate
    }
}

/// What planning found a collection pass will do.
public struct CollectionEstimate: Sendable, Equatable, Codable {
    /// Source collections of the kind that are copied.
    public var collections: Int
    /// Their items.
    public var items: Int
    /// Items never copied.
    public var toCopy: Int
    /// Items changed on the source since copied.
    public var toUpdate: Int
    /// Items a killed pass was storing, or found on the target by name, to compare there first.
    public var toSettle: Int
    /// Copied items changed or removed on the target since, or refused: reported, not overwritten.
    public var conflicts: Int
    /// Those of `conflicts` no pass has recorded yet (the pass records and reports them).
    public var newConflicts: Int = 0
    /// Collections the pass creates on the target, by name.
    public var newCollections: [String]

    /// Creates an estimate.
    public init(collections: Int = 0, items: Int = 0, toCopy: Int = 0, toUpdate: Int = 0, toSettle: Int = 0, conflicts: Int = 0,
                newCollections: [String] = []) {
        self.collections = collections
        self.items = items
        self.toCopy = toCopy
        self.toUpdate = toUpdate
        self.toSettle = toSettle
        self.conflicts = conflicts
        self.newCollections = newCollections
    }

    /// Whether the pass has anything to do.
    public var hasWork: Bool { toCopy + toUpdate + toSettle + newConflicts > 0 || !newCollections.isEmpty }
}
