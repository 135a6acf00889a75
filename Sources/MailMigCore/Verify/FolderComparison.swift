import Foundation

/// One message of a folder listing as verification compares it.
public struct MessageFacts: Sendable, Equatable {
    /// Its unique identifier in the folder (a UID for IMAP).
    public var uid: MessageKey
    /// The Message-ID, when known (from the ledger or the message's header).
    public var messageID: String?
    /// RFC822.SIZE.
    public var size: Int
    /// INTERNALDATE as the server sent it.
    public var internalDate: String?
    /// Flags a target can store (without `\Recent`, one spelling of each), sorted.
    public var flags: [String]

    /// Creates facts; `flags` are reduced to the storable ones and sorted.
    public init(uid: MessageKey, messageID: String?, size: Int, internalDate: String?, flags: [String]) {
        self.uid = uid
        self.messageID = messageID
        self.size = size
        self.internalDate = internalDate
        self.flags = MessageFlags.storable(flags)
    }
}

/// What is known about one source folder when it is compared.
public struct SourceFolderInput: Sendable {
    /// The folder mapping (source and target in plan form).
    public var mapping: FolderMapping
    /// The messages the source folder holds now.
    public var messages: [MessageFacts]
    /// Ledger rows of the folder's current UIDVALIDITY.
    public var ledger: [LedgerEntry]
    /// Messages of the folder's current UIDVALIDITY skipped on purpose.
    public var skipped: [SkippedMessage]
    /// UIDNEXT at the last full (sync or final) pass of the folder under this UIDVALIDITY; nil when there was none.
    /// Source messages from this UID on arrived after that pass and are not expected yet.
    public var syncedBelow: UInt32?
    /// Only messages in the ledger are expected (a mailbox still at presync).
    public var onlyLedger: Bool
    /// Attributes the target stored differently from what was sent (a limit of the server, reported only).
    public var rewrites: [TargetRewrite]

    /// Creates an input.
    public init(mapping: FolderMapping, messages: [MessageFacts], ledger: [LedgerEntry], skipped: [SkippedMessage],
                syncedBelow: UInt32?, onlyLedger: Bool, rewrites: [TargetRewrite] = []) {
        self.mapping = mapping
        self.messages = messages
        self.ledger = ledger
        self.skipped = skipped
        self.syncedBelow = syncedBelow
        self.onlyLedger = onlyLedger
        self.rewrites = rewrites
    }
}

/// What is known about one target folder.
public struct TargetFolderInput: Sendable {
    /// The folder in plan form.
    public var path: String
    /// Whether it exists.
    public var exists: Bool
    /// Its UIDVALIDITY.
    public var uidValidity: UInt32?
    /// Its messages.
    public var messages: [MessageFacts]

    /// Creates an input.
    public init(path: String, exists: Bool, uidValidity: UInt32?, messages: [MessageFacts]) {
        self.path = path
        self.exists = exists
        self.uidValidity = uidValidity
        self.messages = messages
    }
}

/// A source message and the target message it was matched with.
public struct MatchedPair: Sendable, Equatable {
    /// The source folder, plan form.
    public var sourceFolder: String
    /// The source message.
    public var source: MessageFacts
    /// The target message.
    public var target: MessageFacts
}

/// Compares source folders with the target folder they map to, without any I/O.
///
/// Every source message in the ledger must be on the target; so must every other source message that
/// was not skipped on purpose and that existed at the folder's last full pass. Messages are matched
/// through the ledger's target UIDs when the target folder's UIDVALIDITY is the one recorded, else by
/// Message-ID, size and internal date.
public enum FolderComparison {
    /// The target UIDs the ledger accounts for, so that only the others need their Message-ID read.
    public static func ledgerClaims(sources: [SourceFolderInput], target: TargetFolderInput) -> Set<MessageKey> {
        guard let validity = target.uidValidity else { return [] }
        let present = Set(target.messages.map(\.uid))
        var claimed = Set<MessageKey>()
        for input in sources {
            for entry in input.ledger where entry.targetFolder == target.path && entry.targetUIDValidity == validity {
                if let uid = entry.targetUID, present.contains(uid) { claimed.insert(uid) }
            }
        }
        return claimed
    }

    /// The expected source messages that the ledger does not describe (their Message-ID must be read).
    public static func unrecordedExpected(_ input: SourceFolderInput) -> [MessageKey] {
        let recorded = Set(input.ledger.map(\.uid))
        let skipped = Set(input.skipped.map(\.uid))
        guard !input.onlyLedger, let below = input.syncedBelow else { return [] }
        return input.messages.filter { !recorded.contains($0.uid) && !skipped.contains($0.uid) && $0.uid.isUID(below: below) }.map(\.uid)
    }

    /// Compares; returns one verification per source folder (extra target messages go to the first) and the matched pairs.
    public static func compare(sources: [SourceFolderInput], target: TargetFolderInput) -> (folders: [FolderVerification], pairs: [MatchedPair]) {
        var targetByUID: [MessageKey: MessageFacts] = [:]
        for message in target.messages { targetByUID[message.uid] = message }
        var claimed = Set<MessageKey>()
        var results: [FolderVerification] = []
        var pairs: [MatchedPair] = []
        // Expected messages per folder, with their ledger row; filled before any key matching so
        // that ledger matches of every folder are claimed first.
        var pending: [[(MessageFacts, LedgerEntry?)]] = []

        for input in sources {
            var result = FolderVerification(source: input.mapping.source, target: input.mapping.target, targetExists: target.exists)
            let ledger = Dictionary(input.ledger.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
            let skipped = Dictionary(input.skipped.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
            let present = Set(input.messages.map(\.uid))
            var expected: [(MessageFacts, LedgerEntry?)] = []
            for var message in input.messages.sorted(by: { $0.uid < $1.uid }) {
                if let entry = ledger[message.uid] {
                    if message.messageID == nil { message.messageID = entry.messageID }
                    expected.append((message, entry))
                } else if let skip = skipped[message.uid] {
                    result.skipped.append(SkippedReference(message: reference(source: message, target: nil, messageID: skip.messageID ?? message.messageID),
                                                           reason: skip.reason))
                } else if input.onlyLedger {
                    continue
                } else if let below = input.syncedBelow, message.uid.isUID(below: below) {
                    expected.append((message, nil))
                } else {
                    result.notCopiedYet += 1
                }
            }
            // Ledger rows whose source message is gone: mailmig copied them, so they are not extra.
            if let validity = target.uidValidity {
                for entry in input.ledger where !present.contains(entry.uid) && entry.targetFolder == target.path && entry.targetUIDValidity == validity {
                    if let uid = entry.targetUID, targetByUID[uid] != nil, !claimed.contains(uid) {
                        claimed.insert(uid)
                        result.deletedOnSource += 1
                    }
                }
            }
            result.expected = expected.count
            result.expectedBytes = expected.reduce(Int64(0)) { $0 + Int64($1.0.size) }
            var unmatched: [(MessageFacts, LedgerEntry?)] = []
            for (message, entry) in expected {
                if let entry, let validity = target.uidValidity, entry.targetFolder == target.path, entry.targetUIDValidity == validity,
                   let uid = entry.targetUID, let found = targetByUID[uid], !claimed.contains(uid) {
                    claimed.insert(uid)
                    var found = found
                    if found.messageID == nil { found.messageID = entry.messageID }
                    pairs.append(MatchedPair(sourceFolder: input.mapping.source, source: message, target: found))
                } else {
                    unmatched.append((message, entry))
                }
            }
            pending.append(unmatched)
            results.append(result)
        }

        // Key matching: Message-ID, size and internal date, among target messages nobody claimed.
        for index in sources.indices {
            for (message, _) in pending[index] {
                let candidate = target.messages.first { other in
                    !claimed.contains(other.uid) && other.size == message.size && other.messageID == message.messageID
                        && sameDate(other.internalDate, message.internalDate)
                }
                if let candidate {
                    claimed.insert(candidate.uid)
                    pairs.append(MatchedPair(sourceFolder: sources[index].mapping.source, source: message, target: candidate))
                } else {
                    results[index].missing.append(reference(source: message, target: nil, messageID: message.messageID))
                }
            }
        }

        // Per matched pair: size, date, flags.
        var matchedIDs: [Int: [String]] = [:]
        var expectedIDs: [Int: [String]] = [:]
        for index in sources.indices {
            expectedIDs[index] = []
            matchedIDs[index] = []
        }
        for pair in pairs {
            guard let index = sources.firstIndex(where: { $0.mapping.source == pair.sourceFolder }) else { continue }
            let input = sources[index]
            let ref = reference(source: pair.source, target: pair.target, messageID: pair.source.messageID)
            results[index].found += 1
            results[index].foundBytes += Int64(pair.target.size)
            matchedIDs[index, default: []].append(pair.target.messageID ?? "")
            if pair.source.size != pair.target.size {
                results[index].sizeMismatches.append(ValueMismatch(message: ref, source: "\(pair.source.size)", target: "\(pair.target.size)"))
            }
            let rewritten = { (attribute: TargetRewrite.Attribute) in
                input.rewrites.first { $0.uid == pair.source.uid && $0.attribute == attribute }
            }
            if !sameDate(pair.source.internalDate, pair.target.internalDate) {
                let mismatch = ValueMismatch(message: ref, source: pair.source.internalDate ?? "none", target: pair.target.internalDate ?? "none")
                // The target could not store the date sent, and holds what it stored then: a limit of the server.
                if let rewrite = rewritten(.internalDate), sameDate(rewrite.sent, pair.source.internalDate),
                   sameDate(rewrite.stored, pair.target.internalDate) {
                    results[index].targetRewrites.append(mismatch)
                } else {
                    results[index].dateMismatches.append(mismatch)
                }
            }
            // Keywords that are not atoms are never sent (`MessageFlags.isSendable`): a target without them is as expected.
            if !MessageFlags.same(pair.source.flags, pair.target.flags),
               MessageFlags.same(MessageFlags.sendable(pair.source.flags).kept, pair.target.flags) {
                results[index].targetRewrites.append(ValueMismatch(message: ref, source: flagText(pair.source.flags), target: flagText(pair.target.flags)))
            } else if !MessageFlags.same(pair.source.flags, pair.target.flags),
               let rewrite = rewritten(.flags), MessageFlags.same(rewrite.sent.split(separator: " ").map(String.init), pair.source.flags),
               MessageFlags.same(rewrite.stored.split(separator: " ").map(String.init), pair.target.flags) {
                results[index].targetRewrites.append(ValueMismatch(message: ref, source: flagText(pair.source.flags), target: flagText(pair.target.flags)))
            } else if !MessageFlags.same(pair.source.flags, pair.target.flags) {
                let recorded = input.ledger.first { $0.uid == pair.source.uid }?.flags
                if let recorded, !MessageFlags.same(recorded, pair.source.flags), MessageFlags.same(recorded, pair.target.flags) {
                    results[index].flagsNotCarriedYet += 1
                } else {
                    results[index].flagMismatches.append(ValueMismatch(message: ref, source: flagText(pair.source.flags),
                                                                      target: flagText(pair.target.flags)))
                }
            }
        }
        for pair in pairs {
            guard let index = sources.firstIndex(where: { $0.mapping.source == pair.sourceFolder }) else { continue }
            expectedIDs[index, default: []].append(pair.source.messageID ?? "")
        }
        for index in sources.indices {
            for missing in results[index].missing { expectedIDs[index, default: []].append(missing.messageID ?? "") }
            results[index].messageIDsMatch = (expectedIDs[index] ?? []).sorted() == (matchedIDs[index] ?? []).sorted()
            results[index].missing.sort { ($0.sourceUID ?? .uid(0)) < ($1.sourceUID ?? .uid(0)) }
        }

        // What nobody claimed is on the target without mailmig having copied it there: a warning,
        // unless it is a second copy of a message that mailmig did copy (same Message-ID, size and
        // internal date as a matched target message), which is a duplicate and a difference.
        if !results.isEmpty {
            var copiedBy: [String: Int] = [:]
            for pair in pairs {
                guard let index = sources.firstIndex(where: { $0.mapping.source == pair.sourceFolder }) else { continue }
                copiedBy[identity(pair.target)] = index
            }
            for message in target.messages.filter({ !claimed.contains($0.uid) }).sorted(by: { $0.uid < $1.uid }) {
                let ref = reference(source: nil, target: message, messageID: message.messageID)
                if let index = copiedBy[identity(message)] {
                    results[index].duplicates.append(ref)
                } else {
                    results[0].extra.append(ref)
                }
            }
        }
        return (results, pairs)
    }

    /// Message-ID, size and the instant of the internal date: what makes two target messages copies of one.
    static func identity(_ message: MessageFacts) -> String {
        let instant = message.internalDate.flatMap { MessageDate.parse($0)?.timeIntervalSince1970 }.map { "\($0)" } ?? message.internalDate ?? ""
        return "\(message.size)|\(instant)|\(message.messageID ?? "")"
    }

    /// Whether two INTERNALDATE texts name the same instant (zones may differ); two absent dates are the same.
    public static func sameDate(_ left: String?, _ right: String?) -> Bool {
        switch (left, right) {
        case (nil, nil): return true
        case (let left?, let right?):
            if left == right { return true }
            guard let a = MessageDate.parse(left), let b = MessageDate.parse(right) else { return false }
            return a == b
        default: return false
        }
    }

    /// Flags as text: `\Flagged \Seen`, or `(none)`.
    static func flagText(_ flags: [String]) -> String { flags.isEmpty ? "(none)" : flags.joined(separator: " ") }

    static func reference(source: MessageFacts?, target: MessageFacts?, messageID: String?) -> MessageReference {
        MessageReference(sourceUID: source?.uid, targetUID: target?.uid, messageID: messageID ?? target?.messageID,
                         size: source?.size ?? target?.size ?? 0, internalDate: source?.internalDate ?? target?.internalDate)
    }
}
