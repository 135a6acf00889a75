/// How one pass treats a source whose folders are labels of one message store (Gmail): which copied
/// folder is a message's home, and which keywords its other labels become.
///
/// A message stays where an earlier pass copied it (its ledger entry's folder, by the store's own
/// message id) as long as that folder still shows it, so a label added later never moves it; else
/// its home is the first copied folder among those that show it, INBOX first, then in the pass's
/// folder order. A message no copied folder shows stays where it was found: All Mail's own (no label,
/// or only labels the plan leaves out); and a folder that is no label (Trash, Spam: the store does
/// not list it among the message's folders) keeps its messages.
struct LabelPlan: Sendable {
    /// `folders.labels`, `.folders` when the source has no labels (then `keywords` changes nothing).
    var mode: LabelMode
    /// The copied source folders in the order a home is chosen; never All Mail.
    var order: [String]
    /// The keyword each copied source folder's label becomes (`LabelKeyword` of its target path).
    var keywords: [String: String]
    /// The All Mail folder the pass copies from, if any.
    var allMail: String?
    /// The folder each message was copied from, by the store's own id (`LedgerEntry.globalID`).
    var copiedFrom: [String: String] = [:]
    /// Whether a copied folder changed since the last pass: a message's keywords depend on the other
    /// folders that show it, so no folder can then be taken as unchanged.
    var changedElsewhere = false

    /// The label plan of a folder plan; `ledger` is the mailbox's ledger under `.keywords`.
    init(_ plan: FolderPlan, mode: LabelMode, ledger: [LedgerEntry] = []) {
        self.mode = mode
        let copied = plan.mappings.filter { $0.rule != .allMail }
        let isInbox = { (mapping: FolderMapping) in mapping.targetIsInbox || mapping.source.uppercased() == "INBOX" }
        order = copied.filter(isInbox).map(\.source) + copied.filter { !isInbox($0) }.map(\.source)
        keywords = Dictionary(copied.map { ($0.source, LabelKeyword.of($0.target)) }, uniquingKeysWith: { first, _ in first })
        allMail = plan.mappings.first { $0.rule == .allMail }?.source
        for entry in ledger {
            if let id = entry.globalID, copiedFrom[id] == nil { copiedFrom[id] = entry.folder }
        }
    }

    /// The plan a pass or a verification reads `source` with: `requested` (`folders.labels`) only where
    /// the source has labels (Gmail's X-GM-EXT-1), with the mailbox's `ledger`, read only then.
    static func reading(_ plan: FolderPlan, requested: LabelMode?, source: any MailStoreSession,
                        ledger: () throws -> [LedgerEntry]) rethrows -> LabelPlan {
        guard requested == .keywords, source.keepsLabels else { return LabelPlan(plan, mode: .folders) }
        return LabelPlan(plan, mode: .keywords, ledger: try ledger())
    }

    /// Whether a copied folder other than All Mail shows the message: then All Mail's copy is not its own.
    func isElsewhere(_ labels: MessageLabels) -> Bool {
        labels.folders.contains { keywords[$0] != nil }
    }

    /// The folder a message found in `folder` is copied from under `.keywords`.
    func home(of labels: MessageLabels, foundIn folder: String) -> String {
        // Trash and Spam are no labels: a message there is theirs, whatever else shows it.
        if folder != allMail, !labels.folders.contains(folder) { return folder }
        if let earlier = copiedFrom[labels.id], earlier == allMail || labels.folders.contains(earlier) { return earlier }
        return order.first { labels.folders.contains($0) } ?? folder
    }

    /// The keywords a message copied from `home` carries for its other copied labels.
    func keywords(of labels: MessageLabels, besides home: String) -> [String] {
        labels.folders.filter { $0 != home }.compactMap { keywords[$0] }
    }
}
