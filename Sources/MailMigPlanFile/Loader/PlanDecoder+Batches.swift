import MailMigCore

extension PlanDecoder {
    /// Reads `batches:` and resolves each batch's members; every mailbox ends in at most one batch.
    mutating func decodeBatches(_ node: PlanNode?, mailboxes: [MailboxMapping]) -> ([Batch], [String: [EmailAddress]]) {
        guard let node else {
            // Without batches, every mailbox is synced: the plan's list is the whole migration.
            let batch = Batch(name: "all", selection: .rest, stage: .sync, errorBudget: nil,
                              location: SourceLocation(file: file, line: 1, column: 1))
            return ([batch], ["all": mailboxes.map(\.source)])
        }
        guard let items = list(node, path: "batches") else { return ([], [:]) }
        var batches: [Batch] = []
        var names: [String: SourceLocation] = [:]
        for (index, item) in items.enumerated() {
            guard let batch = decodeBatch(item, path: "batches[\(index)]") else { continue }
            if let first = names[batch.name] {
                diagnostics.error(batch.location, "batch name '\(batch.name)' is used twice (first at line \(first.line))")
                continue
            }
            names[batch.name] = batch.location
            batches.append(batch)
        }
        return (batches, resolveMembers(batches, mailboxes: mailboxes, location: node.location))
    }

    private mutating func decodeBatch(_ node: PlanNode, path: String) -> Batch? {
        guard let fields = fields(node, path: path, allowed: ["name", "mailboxes", "select", "stage", "error_budget", "max_skipped"]) else { return nil }
        var name: String?
        if let node = required(fields, "name"), let text = nonEmptyString(node, path: fields.path("name")) {
            if Self.isTag(text) { name = text } else {
                diagnostics.error(node.location, "batch name '\(text)' may only hold letters, digits, '-', '_' and '.'")
            }
        }
        let stage = required(fields, "stage").flatMap { choice($0, path: fields.path("stage"), as: Stage.self) }
        let errorBudget = fields["error_budget"].flatMap { decodeErrorBudget($0, path: fields.path("error_budget")) }
        let maxSkipped = fields["max_skipped"].flatMap { int($0, path: fields.path("max_skipped"), range: 0...1_000_000_000) }
        var selection: Batch.Selection?
        switch (fields["mailboxes"], fields["select"]) {
        case (.some, .some):
            diagnostics.error(fields.keyLocation("select"), "\(path) has both mailboxes: and select:; use one of them")
        case (nil, nil):
            diagnostics.error(node.location, "\(path) needs mailboxes: [addresses…] or select: (rest, or { tags: [...] })")
        case (let list?, nil):
            if let items = self.list(list, path: fields.path("mailboxes")) {
                var addresses: [EmailAddress] = []
                for (index, item) in items.enumerated() {
                    if let address = address(item, path: fields.path("mailboxes") + "[\(index)]") { addresses.append(address) }
                }
                if items.isEmpty {
                    diagnostics.warning(list.location, "\(path) lists no mailboxes, so it migrates nothing")
                }
                selection = .mailboxes(addresses)
            }
        case (nil, let select?):
            selection = decodeSelect(select, path: fields.path("select"))
        }
        guard let name, let stage, let selection else { return nil }
        return Batch(name: name, selection: selection, stage: stage, errorBudget: errorBudget, maxSkipped: maxSkipped, location: node.location)
    }

    /// `2` (mailboxes) or `10%` (of the batch's mailboxes).
    private mutating func decodeErrorBudget(_ node: PlanNode, path: String) -> ErrorBudget? {
        if case .scalar(_, .int) = node.content {
            return int(node, path: path, range: 0...1_000_000).map { .mailboxes($0) }
        }
        guard case .scalar(let text, _) = node.content, text.hasSuffix("%") else {
            typeMismatch(node, path: path, expected: "a number of mailboxes (2) or a percentage of the batch (10%)")
            return nil
        }
        guard let budget = ErrorBudget(text: text) else {
            diagnostics.error(node.location, "\(displayPath(path)) must be a percentage between 0% and 100%, found \(text)")
            return nil
        }
        return budget
    }

    private mutating func decodeSelect(_ node: PlanNode, path: String) -> Batch.Selection? {
        if case .scalar(let text, _) = node.content {
            if text == "rest" { return .rest }
            diagnostics.error(node.location, "\(path) must be rest or { tags: [...] }, found '\(text)'")
            return nil
        }
        guard let fields = fields(node, path: path, allowed: ["tags"]),
              let tagsNode = required(fields, "tags"),
              let tags = strings(tagsNode, path: fields.path("tags"))
        else { return nil }
        if tags.isEmpty {
            diagnostics.error(tagsNode.location, "\(fields.path("tags")) needs at least one tag")
            return nil
        }
        for tag in tags where !Self.isTag(tag) {
            diagnostics.error(tagsNode.location, "tag '\(tag)' in \(fields.path("tags")) may only hold ASCII letters, digits, '-', '_' and '.'")
        }
        return .tags(tags)
    }

    private mutating func resolveMembers(_ batches: [Batch], mailboxes: [MailboxMapping], location: SourceLocation) -> [String: [EmailAddress]] {
        var owner: [EmailAddress: String] = [:]
        var members: [String: [EmailAddress]] = [:]
        let known = Set(mailboxes.map(\.source))
        let allTags = Set(mailboxes.flatMap(\.tags))

        func claim(_ address: EmailAddress, for batch: Batch) {
            if let other = owner[address] {
                diagnostics.error(batch.location, "mailbox \(address) is in batch '\(other)' and in batch '\(batch.name)'; a mailbox belongs to one batch")
                return
            }
            owner[address] = batch.name
            members[batch.name, default: []].append(address)
        }

        for batch in batches {
            switch batch.selection {
            case .mailboxes(let addresses):
                for address in addresses {
                    if known.contains(address) { claim(address, for: batch) } else {
                        var message = "batch '\(batch.name)' names \(address), which is not in mailboxes:"
                        if let suggestion = closestMatch(to: address.description, in: known.map(\.description).sorted()) {
                            message += " (did you mean \(suggestion)?)"
                        }
                        diagnostics.error(batch.location, message)
                    }
                }
            case .tags(let tags):
                for tag in tags where !allTags.contains(tag) {
                    diagnostics.warning(batch.location, "batch '\(batch.name)' selects tag '\(tag)', which no mailbox carries")
                }
                for mailbox in mailboxes where !Set(mailbox.tags).isDisjoint(with: tags) {
                    claim(mailbox.source, for: batch)
                }
            case .rest:
                break
            }
        }
        let restBatches = batches.filter { $0.selection == .rest }
        if restBatches.count > 1 {
            diagnostics.error(restBatches[1].location, "only one batch may select rest (the other is '\(restBatches[0].name)')")
        }
        for mailbox in mailboxes where owner[mailbox.source] == nil {
            if let rest = restBatches.first {
                owner[mailbox.source] = rest.name
                members[rest.name, default: []].append(mailbox.source)
            } else {
                diagnostics.warning(mailbox.location, "mailbox \(mailbox.source) is in no batch, so it will not be migrated; add it to a batch or add one with select: rest")
            }
        }
        return members
    }

    /// Reads `folders:`.
    mutating func decodeFolders(_ node: PlanNode) -> FolderRules {
        guard let fields = fields(node, path: "folders", allowed: ["automap", "map", "exclude", "shared", "shared_into", "all_mail_into", "labels"]) else {
            return .standard
        }
        var rules = FolderRules.standard
        if let node = fields["automap"] { rules.automap = bool(node, path: "folders.automap") ?? true }
        if let node = fields["map"] {
            if case .mapping(let pairs) = node.content {
                for pair in pairs {
                    guard let from = nonEmptyString(pair.key, path: "folders.map key"),
                          let to = nonEmptyString(pair.value, path: "folders.map.\(from)")
                    else { continue }
                    for (name, location) in [(from, pair.key.location), (to, pair.value.location)] where !Self.isFolderPath(name) {
                        diagnostics.error(location, "folder '\(name)' in folders.map is not a valid path: use '/' between levels, no empty levels")
                    }
                    rules.map[from] = to
                }
            } else {
                typeMismatch(node, path: "folders.map", expected: "a mapping of source folder to target folder")
            }
        }
        if let node = fields["exclude"] { rules.exclude = strings(node, path: "folders.exclude") ?? [] }
        let shared = fields["shared"].flatMap { choice($0, path: "folders.shared", as: SharedFolders.self) } ?? .exclude
        var into = FolderRules.defaultSharedInto
        if let node = fields["shared_into"], let path = nonEmptyString(node, path: "folders.shared_into") {
            if !Self.isFolderPath(path) || path.uppercased() == "INBOX" {
                diagnostics.error(node.location, "folders.shared_into '\(path)' is not a folder path shared folders can go under: use '/' between levels, no empty levels, not INBOX")
            }
            if shared == .exclude {
                diagnostics.warning(fields.keyLocation("shared_into"), "folders.shared_into is not used: shared folders are copied only with folders.shared: include")
            }
            into = path
        }
        if shared == .include { rules.sharedInto = into }
        if let node = fields["all_mail_into"], let path = nonEmptyString(node, path: "folders.all_mail_into") {
            if !Self.isFolderPath(path) {
                diagnostics.error(node.location, "folders.all_mail_into '\(path)' is not a valid folder path: use '/' between levels, no empty levels")
            }
            rules.allMailInto = path
        }
        if let node = fields["labels"], let mode = choice(node, path: "folders.labels", as: LabelMode.self), mode != .folders {
            rules.labels = mode
        }
        return rules
    }

    /// `folders.shared`: whether the source's shared namespaces are copied.
    enum SharedFolders: String, CaseIterable {
        case exclude
        case include
    }

    static func isFolderPath(_ path: String) -> Bool {
        !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty }
    }

    /// Reads `filters:`.
    mutating func decodeFilters(_ node: PlanNode) -> Filters {
        guard let fields = fields(node, path: "filters", allowed: ["max_message_size"]) else { return Filters() }
        var filters = Filters()
        if let node = fields["max_message_size"], let size = byteSize(node, path: "filters.max_message_size") {
            if size.bytes < 1_024 {
                diagnostics.error(node.location, "filters.max_message_size of \(size.text) would skip almost every message; write a unit, e.g. 35MB")
            } else {
                filters.maxMessageSize = size
            }
        }
        return filters
    }

    /// Reads `stages:`.
    mutating func decodeStages(_ node: PlanNode) -> StageSettings {
        var settings = StageSettings.standard
        guard let fields = fields(node, path: "stages", allowed: ["presync"]) else { return settings }
        if let presync = fields["presync"],
           let presyncFields = self.fields(presync, path: "stages.presync", allowed: ["older_than"]),
           let olderThan = required(presyncFields, "older_than"),
           let duration = duration(olderThan, path: "stages.presync.older_than") {
            settings.presyncOlderThan = duration
        }
        return settings
    }
}
