/// What a pass does with one source item, from the ledger and the two listings (no item data).
public enum ItemAction: Sendable, Equatable {
    /// Copied and unchanged on both sides.
    case unchanged
    /// Copied, unchanged, and the target's version of the copy was not known yet: record it.
    case adopt(targetETag: String)
    /// Never copied: store it on the target, as a new item only.
    case copy
    /// Changed on the source since copied: store it over the target's version `targetETag` only.
    case update(targetETag: String)
    /// A killed pass was storing it, or the target holds an item by its name that the ledger does not
    /// know: compare on the target before storing anything.
    case settle
    /// Not copied as it is now, for this reason (changed or removed on the target, refused): reported.
    case conflict(String)

    /// Decides the action for `source`, given its ledger row and the target's items by name.
    public static func of(_ source: ItemVersion, row: ItemLedgerEntry?, target: [String: ItemVersion]) -> ItemAction {
        guard let row else { return target[source.name] == nil ? .copy : .settle }
        if row.pending { return .settle }
        let sourceChanged = row.sourceETag != source.etag
        let copy = target[row.targetName]
        // Another item held the name; now that it is gone, the item goes there after all.
        if row.conflict == ItemConflict.nameTaken(row.targetName), row.targetETag == nil, copy == nil { return .copy }
        if let conflict = row.conflict, !sourceChanged { return .conflict(conflict) }
        if row.conflict != nil, row.targetETag == nil {
            // Never stored by mailmig (refused, or another item held the name): whatever the target has
            // there is not a copy to update. Store anew, or compare first; never overwrite.
            return copy == nil ? .copy : .settle
        }
        guard let copy else { return .conflict(ItemConflict.removedOnTarget) }
        if let recorded = row.targetETag, copy.etag != recorded {
            // Changed on both sides: compared on the target, the same change is recorded, another reported.
            return sourceChanged ? .settle : .conflict(ItemConflict.changedOnTarget)
        }
        if sourceChanged { return .update(targetETag: copy.etag) }
        return row.targetETag == nil ? .adopt(targetETag: copy.etag) : .unchanged
    }
}

/// Why an item is not copied as it is now: the reasons the ledger keeps and the output shows.
public enum ItemConflict {
    /// Its copy changed on the target since it was stored.
    public static let changedOnTarget = "changed on the target since it was copied"
    /// Its copy changed on the target, and the item on the source, differently.
    public static let changedOnBothSides = "changed on both sides since it was copied"
    /// Its copy was removed on the target.
    public static let removedOnTarget = "removed on the target since it was copied"

    /// Another item is stored on the target under `name`.
    public static func nameTaken(_ name: String) -> String { "the target already holds a different item named \(name)" }

    /// The target refused the item, with its answer.
    public static func refused(_ reason: String) -> String { "refused by the target: \(reason)" }
}
