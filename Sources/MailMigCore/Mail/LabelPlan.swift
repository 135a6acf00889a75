/// How one pass treats a source whose folders are labels of one message store (Gmail): which copied
/// folder is a message's home, and which keywords its other labels become.
///
/// The home of a message is the first copied folder among those that show it, INBOX first, then in
/// the pass's folder order; a message no copied folder shows stays where it was found: All Mail's
/// own (no label, or only labels the plan leaves out), or Trash's and Spam's.
struct LabelPlan: Sendable {
    /// `folders.labels`.
    var mode: LabelMode
    /// The copied source folders in the order a home is chosen; never All Mail.
    var order: [String]
    /// The keyword each copied source folder's label becomes (`LabelKeyword` of its target path).
    var keywords: [String: String]

    /// The label plan of a folder plan.
    init(_ plan: FolderPlan, mode: LabelMode) {
        self.mode = mode
        let copied = plan.mappings.filter { $0.rule != .allMail }
        let isInbox = { (mapping: FolderMapping) in mapping.targetIsInbox || mapping.source.uppercased() == "INBOX" }
        order = copied.filter(isInbox).map(\.source) + copied.filter { !isInbox($0) }.map(\.source)
        keywords = Dictionary(copied.map { ($0.source, LabelKeyword.of($0.target)) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether a copied folder other than All Mail shows the message: then All Mail's copy is not its own.
    func isElsewhere(_ labels: MessageLabels) -> Bool {
        labels.folders.contains { keywords[$0] != nil }
    }

    /// The folder a message is copied from under `.keywords`: its first copied label's folder, else
    /// `fallback`, the folder it was found in (All Mail for a message without a copied label; Trash or
    /// Spam, which are no labels, for their own messages).
    func home(of labels: MessageLabels, fallback: String) -> String {
        order.first { labels.folders.contains($0) } ?? fallback
    }

    /// The keywords a message copied from `home` carries for its other copied labels.
    func keywords(of labels: MessageLabels, besides home: String) -> [String] {
        labels.folders.filter { $0 != home }.compactMap { keywords[$0] }
    }
}
