import Foundation
import MailMigConcurrency

/// One pass over the collections of one kind of one mailbox: creates missing collections on the
/// target, stores new items, updates items changed on the source, settles what a killed pass left
/// pending, and reports items changed on the target instead of overwriting them.
///
/// Exactly once: an item keeps its source name on the target and is stored with `If-None-Match: *`,
/// after a pending ledger row is written; a pass that finds a pending row, or an item by that name
/// the ledger does not know, compares the target's item with the source's (`ItemComparison`) before
/// storing anything, and a server that refuses a second item with the same UID is asked for it by UID.
struct CollectionCopier: Sendable {
    let work: CollectionWork
    let mailbox: MailboxMapping
    let source: any CollectionStore
    let target: any CollectionStore
    let rules: CollectionRules
    let preparation: ItemPreparation
    let store: StateStore
    let faults: FaultInjection
    let now: @Sendable () -> Date

    /// Items read from the source per request.
    static let chunkSize = 25
    /// Items stored at once per collection.
    static let concurrentStores = 4

    init(work: CollectionWork, context: MailContext, store: StateStore, faults: FaultInjection, now: @escaping @Sendable () -> Date) throws {
        guard let mailbox = context.mailbox(work.source) else {
            throw MailError(side: .source, server: context.plan.source.dav?.url ?? "", mailbox: work.source, reason: "the plan no longer has this mailbox")
        }
        guard let rules = context.plan.collections, let source = context.sourceCollections, let target = context.targetCollections else {
            throw MailError(side: .source, server: context.plan.source.dav?.url ?? "", mailbox: work.source,
                            reason: "the plan has no collections section with a dav server on both sides")
        }
        self.work = work
        self.mailbox = mailbox
        self.source = source
        self.target = target
        self.rules = rules
        self.preparation = ItemPreparation(plan: context.plan)
        self.store = store
        self.faults = faults
        self.now = now
    }

    /// Runs the pass; returns the record to commit and a warning per conflict (the first 20).
    func pass() async throws -> StepResult {
        let kind = work.kind
        let address = CollectionRecord.address(work.source, kind: kind)
        let previous = try store.resource(address).flatMap { try? $0.decode(CollectionRecord.self) }
        let points = previous?.syncPoints ?? [:]
        let (result, nextPoints) = try await source.withSession(for: mailbox) { sourceSession in
            try await target.withSession(for: mailbox) { targetSession in
                var result = CollectionPassResult()
                var nextPoints: [String: CollectionSyncPoint] = [:]
                let collections = try await sourceSession.collections().filter { $0.kind == kind && rules.copies($0) }
                var existing = try await targetSession.collections()
                let ledger = try store.itemLedger(mailbox: work.source)
                for collection in collections {
                    let copy = try await targetCollection(for: collection, in: &existing, session: targetSession, result: &result)
                    let rows = ItemLedgerEntry.byName(ledger, collection: collection.path)
                    let listing = try await CollectionListing.read(collection, copy: copy, rows: rows, point: points[collection.path],
                                                                   source: sourceSession, target: targetSession)
                    nextPoints[collection.path] = try await pass(collection, to: copy, listing: listing, rows: rows, from: sourceSession,
                                                                 to: targetSession, result: &result)
                }
                return (result, nextPoints)
            }
        }
        var record = previous ?? CollectionRecord(source: work.source, target: work.target, kind: kind)
        record.target = work.target
        record.lastPass = now()
        record.lastResult = result
        record.lastError = nil
        record.lastFailure = nil
        record.syncPoints = nextPoints.isEmpty ? nil : nextPoints
        var warnings = result.conflicts.prefix(20).map { "\(work.source): \($0)" }
        if result.conflicts.count > 20 { warnings.append("\(work.source): and \(result.conflicts.count - 20) more items not copied") }
        return StepResult(changes: [try .put(address, kind: CollectionRecord.kind, record)],
                          warnings: warnings)
    }

    /// The target's collection of the same name, created (with the source's display name, colour and
    /// components) when missing, and then read back for its sync token, which is taken before any item
    /// is stored in it.
    private func targetCollection(for collection: ItemCollection, in existing: inout [ItemCollection], session: any CollectionStoreSession,
                                  result: inout CollectionPassResult) async throws -> ItemCollection {
        result.collections += 1
        if let found = collection.copy(in: existing) {
            return found
        }
        let created = try await session.createCollection(named: collection.name, like: collection)
        existing = try await session.collections()
        result.createdCollections.append(collection.label)
        guard let listed = collection.copy(in: existing) else {
            existing.append(created)
            return created
        }
        return listed
    }

    /// Copies one collection from `listing`; returns the sync point to record for it.
    private func pass(_ collection: ItemCollection, to copy: ItemCollection, listing: CollectionListing, rows rowsByName: [String: ItemLedgerEntry],
                      from sourceSession: any CollectionStoreSession,
                      to targetSession: any CollectionStoreSession, result: inout CollectionPassResult) async throws -> CollectionSyncPoint? {
        let sourceVersions = listing.source
        let targetByName = listing.targetByName
        result.items += sourceVersions.count
        result.deletedOnSource += listing.removedOnSource.count

        var adopted: [ItemLedgerEntry] = []
        var pending: [(version: ItemVersion, action: ItemAction, row: ItemLedgerEntry?)] = []
        for version in sourceVersions {
            let row = rowsByName[version.name]
            let action = ItemAction.of(version, row: row, target: targetByName)
            switch action {
            case .unchanged: break
            case .adopt(let etag):
                if var row {
                    row.targetETag = etag
                    row.updatedAt = now()
                    adopted.append(row)
                }
            case .conflict(let reason):
                result.conflicts.append("\(collection.label)/\(version.name): \(reason)")
                // Recorded with the source version it concerns, so that it is reported again only when
                // that changes (and a plan that finds nothing else to do asks nothing more).
                if var row, row.conflict != reason || row.sourceETag != version.etag {
                    row.conflict = reason
                    row.sourceETag = version.etag
                    row.updatedAt = now()
                    adopted.append(row)
                }
            case .copy, .update, .settle:
                pending.append((version, action, row))
            }
        }
        try store.recordItems(adopted)

        var written: [ItemLedgerEntry] = []
        var start = 0
        while start < pending.count {
            let chunk = Array(pending[start..<min(start + Self.chunkSize, pending.count)])
            start += Self.chunkSize
            let items = try await sourceSession.items(chunk.map(\.version.href), in: collection)
            let byName = Dictionary(items.map { ($0.version.name, $0) }, uniquingKeysWith: { first, _ in first })
            let tasks = chunk.compactMap { entry -> ItemTask? in
                guard let item = byName[entry.version.name] else { return nil }
                return ItemTask(item: item, action: entry.action, row: entry.row, preparation: preparation)
            }
            // Rows are pending before anything is stored, so a kill at any point is settled next time.
            try store.recordItems(tasks.map { task in
                var row = ledgerRow(task, collection: collection, copy: copy, targetHref: task.row?.targetHref ?? targetHref(task.item.version.name, in: copy),
                                    targetETag: task.row?.targetETag)
                row.pending = true
                return row
            })
            faults.pass("item-pending")
            // Items to compare on the target are read in one request per chunk, not one each (after a
            // killed pass, or when mailmig's state was lost, that is every item).
            let settling = tasks.filter { $0.action == .settle }.map { targetPlace(of: $0, targetByName: targetByName, copy: copy) }
            let onTarget = settling.isEmpty ? [:]
                : Dictionary(try await targetSession.items(settling, in: copy).map { ($0.version.name, $0) }, uniquingKeysWith: { first, _ in first })
            let outcomes = try await BoundedConcurrency.map(tasks, limit: Self.concurrentStores) { task in
                try await deliver(task, collection: collection, copy: copy, targetByName: targetByName, read: onTarget, session: targetSession)
            }
            var settledRows: [ItemLedgerEntry] = []
            for outcome in outcomes {
                settledRows.append(outcome.row)
                switch outcome.kind {
                case .copied: result.copied += 1
                case .updated: result.updated += 1
                case .settled: result.settled += 1
                case .conflict(let reason): result.conflicts.append("\(collection.label)/\(outcome.name): \(reason)")
                }
            }
            try store.recordItems(settledRows)
            written += settledRows
        }
        return try await settleTarget(copy, listing: listing, written: written, session: targetSession)
    }

    /// After the items are stored: records the versions of copies the target did not send with its
    /// answers, and moves the target's sync token past the pass's own stores, so that the next pass
    /// (and `plan`) does not ask for them again. The token moves only when every change since the old
    /// one is a store of this pass or was already seen by it; a change by anyone else keeps the old
    /// token, and the next pass sees that change.
    private func settleTarget(_ copy: ItemCollection, listing: CollectionListing, written: [ItemLedgerEntry],
                              session: any CollectionStoreSession) async throws -> CollectionSyncPoint? {
        let versionUnknown = written.filter { $0.conflict == nil && $0.targetETag == nil }
        guard !written.isEmpty else { return listing.next }
        if var point = listing.next, let changes = try await session.changes(in: copy, since: point.targetToken) {
            let ours = Dictionary(written.map { ($0.targetName, $0) }, uniquingKeysWith: { _, last in last })
            var adopted: [ItemLedgerEntry] = []
            var accounted = changes.removed.allSatisfy { listing.targetByName[ItemVersion.name(of: $0)] == nil }
            for version in changes.changed where listing.targetByName[version.name]?.etag != version.etag {
                guard var row = ours[version.name], row.conflict == nil else {
                    accounted = false
                    continue
                }
                if row.targetETag == nil {
                    row.targetETag = version.etag
                    adopted.append(row)
                } else if row.targetETag != version.etag {
                    accounted = false
                }
            }
            try store.recordItems(adopted)
            // A copy whose version is still unknown was changed again by someone else: list it next time.
            if accounted, adopted.count == versionUnknown.count { point.targetToken = changes.token }
            return point
        }
        if !versionUnknown.isEmpty {
            let listed = Dictionary(try await session.versions(in: copy).map { ($0.name, $0.etag) }, uniquingKeysWith: { first, _ in first })
            try store.recordItems(versionUnknown.compactMap { row in
                guard let etag = listed[row.targetName] else { return nil }
                var row = row
                row.targetETag = etag
                return row
            })
        }
        return listing.next
    }

    /// One item to store, settle or update, read once: its UID, its component and what goes to the target.
    struct ItemTask: Sendable {
        let item: CollectionItem
        let action: ItemAction
        let row: ItemLedgerEntry?
        /// The item as it is stored on the target (`ItemPreparation`).
        let prepared: Data
        /// Its UID; its name when it has none.
        let uid: String
        /// `VCARD`, or the iCalendar component it holds; nil when it is neither.
        let component: String?

        init(item: CollectionItem, action: ItemAction, row: ItemLedgerEntry?, preparation: ItemPreparation) {
            let lines = ContentLines.parse(item.data)
            self.item = item
            self.action = action
            self.row = row
            self.prepared = preparation.prepare(item.data, lines: lines)
            self.uid = ContentLines.uid(of: lines) ?? item.version.name
            self.component = ContentLines.component(of: lines)
        }
    }

    /// What happened to one item.
    struct ItemOutcome: Sendable {
        enum Kind: Sendable { case copied, updated, settled, conflict(String) }
        let name: String
        let kind: Kind
        let row: ItemLedgerEntry
    }

    /// Stores, updates or settles one item; `read` holds target items already read by name.
    private func deliver(_ task: ItemTask, collection: ItemCollection, copy: ItemCollection, targetByName: [String: ItemVersion],
                         read: [String: CollectionItem], session: any CollectionStoreSession) async throws -> ItemOutcome {
        let name = task.item.version.name
        let component = task.component ?? (work.kind == .contacts ? "VCARD" : "VEVENT")
        func row(_ href: String, _ etag: String?, conflict: String? = nil) -> ItemLedgerEntry {
            var row = ledgerRow(task, collection: collection, copy: copy, targetHref: href, targetETag: etag)
            row.conflict = conflict
            return row
        }
        func conflict(_ reason: String) -> ItemOutcome {
            ItemOutcome(name: name, kind: .conflict(reason), row: row(task.row?.targetHref ?? targetHref(name, in: copy), task.row?.targetETag, conflict: reason))
        }
        /// The target's item that stands for this one: at its place (`targetPlace`), then by its UID.
        func found() async throws -> (version: ItemVersion, data: Data)? {
            let href = targetPlace(of: task, targetByName: targetByName, copy: copy)
            if let item = read[ItemVersion.name(of: href)] { return (item.version, item.data) }
            if let item = try await session.items([href], in: copy).first { return (item.version, item.data) }
            guard let item = try await session.item(uid: task.uid, component: component, in: copy) else { return nil }
            return (item.version, item.data)
        }
        /// Stores the item, as new (under its own name) or over the copy's version `etag` (under the copy's name).
        func put(replacing etag: String?, at copyName: String? = nil) async throws -> ItemOutcome {
            let target = etag == nil ? name : (copyName ?? task.row?.targetName ?? name)
            switch try await session.put(task.prepared, named: target, in: copy, replacing: etag) {
            case .stored(let href, let newETag):
                faults.pass("item-store")
                return ItemOutcome(name: name, kind: etag == nil ? .copied : .updated, row: row(href, newETag))
            case .preconditionFailed:
                if etag != nil { return conflict(ItemConflict.changedOnTarget) }
                if let existing = try await found(), ItemComparison.same(task.prepared, existing.data) {
                    return ItemOutcome(name: name, kind: .settled, row: row(existing.version.href, existing.version.etag))
                }
                return conflict(ItemConflict.nameTaken(name))
            case .refused(let reason):
                if etag == nil, let existing = try await found(), ItemComparison.same(task.prepared, existing.data) {
                    return ItemOutcome(name: name, kind: .settled, row: row(existing.version.href, existing.version.etag))
                }
                return conflict(ItemConflict.refused(reason))
            }
        }
        switch task.action {
        case .copy:
            return try await put(replacing: nil)
        case .update(let etag):
            return try await put(replacing: etag)
        case .settle:
            guard let existing = try await found() else { return try await put(replacing: nil) }
            if ItemComparison.same(task.prepared, existing.data) {
                return ItemOutcome(name: name, kind: .settled, row: row(existing.version.href, existing.version.etag))
            }
            // An update the killed pass had not stored yet: the target still has the version recorded.
            if let recorded = task.row?.targetETag, task.row?.conflict == nil, existing.version.etag == recorded {
                return try await put(replacing: recorded, at: existing.version.name)
            }
            if task.row?.targetETag == nil { return conflict(ItemConflict.nameTaken(name)) }
            let sourceChanged = task.row.map { $0.sourceETag != task.item.version.etag } ?? false
            return conflict(sourceChanged ? ItemConflict.changedOnBothSides : ItemConflict.changedOnTarget)
        default:
            return conflict("nothing to do")
        }
    }

    private func ledgerRow(_ task: ItemTask, collection: ItemCollection, copy: ItemCollection, targetHref: String, targetETag: String?) -> ItemLedgerEntry {
        ItemLedgerEntry(mailbox: work.source, collection: collection.path, href: task.item.version.href, kind: work.kind, uid: task.uid,
                        sourceETag: task.item.version.etag, targetCollection: copy.path, targetHref: targetHref, targetETag: targetETag,
                        pending: false, updatedAt: now())
    }

    /// Where the target's item that stands for `task` is, or would be: the copy the ledger or the
    /// listing knows, else the item's own name in `copy` (also when no listing showed it: a listing
    /// rebuilt from changes knows only what changed).
    private func targetPlace(of task: ItemTask, targetByName: [String: ItemVersion], copy: ItemCollection) -> String {
        let name = task.item.version.name
        let known = task.row.flatMap { targetByName[$0.targetName] } ?? targetByName[name]
        return known?.href ?? task.row?.targetHref ?? targetHref(name, in: copy)
    }

    /// Where a new item named `name` goes in `collection`.
    private func targetHref(_ name: String, in collection: ItemCollection) -> String {
        ItemCollection.memberPath(name, in: collection.path)
    }
}
