import Foundation
import MailMigConcurrency

/// Plans the contacts and calendars: for each mailbox of the plan's batches and each kind the plan's
/// `collections` copies, a pass when there is something to do (collections to create, items to copy,
/// update or settle), with what it will do counted from both sides' listings and the ledger.
struct CollectionResourcePlanner: ResourcePlanner {
    func plan(_ context: PlanningContext) async throws -> ExecutionPlan {
        let mail = context.workspace.mail
        let plan = mail.plan
        guard let rules = plan.collections, !rules.kinds.isEmpty else { return .empty }
        guard let source = mail.sourceCollections, let target = mail.targetCollections else {
            return ExecutionPlan(steps: [], drift: [], blocked: [BlockedItem(address: "collections", reason: "this build cannot reach the plan's dav servers", earliest: nil, isError: true)],
                                 warnings: [])
        }
        var work: [(MailboxMapping, Batch)] = []
        for batch in plan.batches {
            for address in plan.batchMembers[batch.name] ?? [] {
                guard let mailbox = mail.mailbox(address.description) else { continue }
                let kept = rules.kinds.contains { context.filter.keeps(CollectionRecord.address(mailbox.source.description, kind: $0)) }
                if kept { work.append((mailbox, batch)) }
            }
        }
        let store = context.store
        let refresh = context.refresh
        let filter = context.filter
        let results = try await BoundedConcurrency.map(work, limit: min(plan.source.connections, 8)) { mailbox, batch -> ([PlannedStep], [BlockedItem]) in
            let kinds = rules.kinds.filter { filter.keeps(CollectionRecord.address(mailbox.source.description, kind: $0)) }
            let estimates: [CollectionKind: CollectionEstimate]?
            if refresh {
                do {
                    estimates = try await Self.estimate(mailbox, kinds: kinds, rules: rules, source: source, target: target, store: store)
                } catch {
                    let address = MailboxRecord.address(mailbox.source.description)
                    return ([], [BlockedItem(address: address, reason: "the contacts and calendars of \(mailbox.source) could not be planned: \(error)",
                                             earliest: nil, isError: true)])
                }
            } else {
                estimates = nil
            }
            let steps = kinds.compactMap { kind -> PlannedStep? in
                let estimate = estimates?[kind]
                if let estimate, !estimate.hasWork { return nil }
                let work = CollectionWork(source: mailbox.source.description, target: mailbox.target.description, batch: batch.name, kind: kind,
                                          estimate: estimate)
                let address = CollectionRecord.address(work.source, kind: kind)
                return PlannedStep(id: "collections:\(address)", address: address, action: .copy, reason: CollectionPassStep.describe(work),
                                   work: .collections(work), dependsOn: [])
            }
            return (steps, [])
        }
        return ExecutionPlan(steps: results.flatMap(\.0), drift: [], blocked: results.flatMap(\.1), warnings: [])
    }

    /// What a pass of each kind would do, from both sides' listings (or their changes since the last
    /// pass, `CollectionListing`) and the ledger.
    static func estimate(_ mailbox: MailboxMapping, kinds: [CollectionKind], rules: CollectionRules, source: any CollectionStore,
                         target: any CollectionStore, store: StateStore) async throws -> [CollectionKind: CollectionEstimate] {
        let ledger = try store.itemLedger(mailbox: mailbox.source.description)
        var points: [CollectionKind: [String: CollectionSyncPoint]] = [:]
        for kind in kinds {
            let address = CollectionRecord.address(mailbox.source.description, kind: kind)
            points[kind] = try store.resource(address).flatMap { try? $0.decode(CollectionRecord.self) }?.syncPoints
        }
        return try await source.withSession(for: mailbox) { sourceSession in
            try await target.withSession(for: mailbox) { targetSession in
                var estimates: [CollectionKind: CollectionEstimate] = [:]
                for kind in kinds { estimates[kind] = CollectionEstimate() }
                let collections = try await sourceSession.collections().filter { kinds.contains($0.kind) && rules.copies($0) }
                let existing = try await targetSession.collections()
                for collection in collections {
                    var estimate = estimates[collection.kind] ?? CollectionEstimate()
                    estimate.collections += 1
                    let copy = collection.copy(in: existing)
                    if copy == nil { estimate.newCollections.append(collection.label) }
                    let rows = ItemLedgerEntry.byName(ledger, collection: collection.path)
                    let listing = try await CollectionListing.read(collection, copy: copy, rows: rows, point: points[collection.kind]?[collection.path],
                                                                   source: sourceSession, target: targetSession)
                    estimate.items += listing.source.count
                    for version in listing.source {
                        switch ItemAction.of(version, row: rows[version.name], target: listing.targetByName) {
                        case .copy: estimate.toCopy += 1
                        case .update: estimate.toUpdate += 1
                        case .settle: estimate.toSettle += 1
                        case .conflict(let reason):
                            estimate.conflicts += 1
                            if rows[version.name]?.conflict != reason || rows[version.name]?.sourceETag != version.etag { estimate.newConflicts += 1 }
                        case .unchanged, .adopt: break
                        }
                    }
                    estimates[collection.kind] = estimate
                }
                return estimates
            }
        }
    }
}
