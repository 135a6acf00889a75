import Foundation

/// A target folder that already holds mail although the state knows nothing of the source folder that
/// goes there: a copy made by another tool, by a second plan, or by mailmig under a state since lost.
///
/// The ledger alone cannot see such mail, so a first pass would copy every message again.
public struct UnrecordedTargetFolder: Sendable, Equatable, Codable {
    /// The source folder, plan form.
    public var source: String
    /// The target folder, plan form.
    public var target: String
    /// Messages the target folder holds.
    public var messages: Int

    /// Creates an entry.
    public init(source: String, target: String, messages: Int) {
        self.source = source
        self.target = target
        self.messages = messages
    }
}

/// Finds target folders with mail the state does not account for, before a first pass copies into them.
enum UnrecordedTargetMail {
    /// The mapped folders whose source folder the state knows nothing of (no folder record, no ledger
    /// row, no pending copy) and whose existing target folder holds messages, by the target's listing
    /// with STATUS; `unreported` counts a folder the listing carries no STATUS for (nil: taken as empty).
    static func find(_ mappings: [FolderMapping], mailbox: String, targetFolders: [ListedFolder], store: StateStore,
                     unreported: (String) async throws -> Int? = { _ in nil }) async throws -> [UnrecordedTargetFolder] {
        let counts = Dictionary(targetFolders.map { ($0.listing.path, $0.status?.messages) }, uniquingKeysWith: { first, _ in first })
        let pending = Set(try store.pendingCopies(mailbox: mailbox).map(\.folder))
        var found: [UnrecordedTargetFolder] = []
        for mapping in mappings where counts.keys.contains(mapping.target) && !pending.contains(mapping.source) {
            // Folders merged on purpose (two `\Sent` folders) name their target folder once.
            guard !found.contains(where: { $0.target == mapping.target }),
                  try isUnknown(mapping.source, mailbox: mailbox, store: store) else { continue }
            var messages = counts[mapping.target] ?? nil
            if messages == nil { messages = try await unreported(mapping.target) }
            if let messages, messages > 0 {
                found.append(UnrecordedTargetFolder(source: mapping.source, target: mapping.target, messages: messages))
            }
        }
        return found
    }

    /// Whether the state holds nothing about a source folder: no pass recorded it and nothing of it was copied.
    static func isUnknown(_ folder: String, mailbox: String, store: StateStore) throws -> Bool {
        try store.resource(FolderRecord.address(mailbox: mailbox, folder: folder)) == nil
            && store.ledgerCount(mailbox: mailbox, folder: folder) == 0
    }

    /// `INBOX (12 messages), Sent (3 messages)`, at most five folders named.
    static func list(_ folders: [UnrecordedTargetFolder]) -> String {
        let named = folders.prefix(5).map { "\($0.target) (\(Formatting.count($0.messages)) message\($0.messages == 1 ? "" : "s"))" }
        return named.joined(separator: ", ") + (folders.count > 5 ? " and \(folders.count - 5) more" : "")
    }

    /// The plan line on a pass that will copy into such folders, saying what the plan's `dedupe:` does there.
    static func warning(_ folders: [UnrecordedTargetFolder], dedupeTarget: Bool) -> String {
        let what = "warning: the target already holds mail the state knows nothing of: \(list(folders)); "
        return what + (dedupeTarget
            ? "dedupe: target records the copies found there (same Message-ID, size and internal date) instead of copying them again"
            : "dedupe: none copies every message again, beside what is there")
    }

    /// Why a mailbox is held back when the plan does not say `dedupe:`.
    static func holdReason(_ folders: [UnrecordedTargetFolder], mailbox: String) -> String {
        "\(mailbox) is held back: the target already holds mail the state knows nothing of (\(list(folders))), "
            + "and copying would duplicate it; set dedupe: target to record the copies already there instead of copying them, "
            + "or dedupe: none to copy everything anyway"
    }
}
