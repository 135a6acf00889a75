import Foundation
import MailMigCore

extension PlanDecoder {
    /// Reads `mailboxes:`, expanding `import:` entries in place.
    mutating func decodeMailboxes(_ node: PlanNode) -> [MailboxMapping] {
        guard let items = list(node, path: "mailboxes") else { return [] }
        var mailboxes: [MailboxMapping] = []
        for (index, item) in items.enumerated() {
            let path = "mailboxes[\(index)]"
            switch item.content {
            case .scalar:
                guard let address = address(item, path: path) else { continue }
                mailboxes.append(MailboxMapping(source: address, target: address, tags: [], sourceLogin: nil, targetLogin: nil, location: item.location))
            case .mapping(let pairs) where pairs.contains(where: { $0.key.scalarText == "import" }):
                mailboxes.append(contentsOf: decodeImport(item, path: path))
            case .mapping:
                if let mailbox = decodeMailbox(item, path: path) { mailboxes.append(mailbox) }
            case .sequence:
                typeMismatch(item, path: path, expected: "an address, a mapping with source/target/tags, or import: FILE")
            }
        }
        checkUnique(mailboxes)
        return mailboxes
    }

    private mutating func decodeMailbox(_ node: PlanNode, path: String) -> MailboxMapping? {
        guard let fields = fields(node, path: path, allowed: ["source", "target", "tags", "source_login", "target_login"]) else { return nil }
        let source = required(fields, "source").flatMap { address($0, path: fields.path("source")) }
        let target = fields["target"].flatMap { address($0, path: fields.path("target")) }
        let tags = fields["tags"].flatMap { tagList($0, path: fields.path("tags")) } ?? []
        let sourceLogin = fields["source_login"].flatMap { decodeMailboxLogin($0, path: fields.path("source_login")) }
        let targetLogin = fields["target_login"].flatMap { decodeMailboxLogin($0, path: fields.path("target_login")) }
        guard let source else { return nil }
        if fields.has("target"), target == nil { return nil }
        return MailboxMapping(source: source, target: target ?? source, tags: tags, sourceLogin: sourceLogin, targetLogin: targetLogin, location: node.location)
    }

    private mutating func decodeMailboxLogin(_ node: PlanNode, path: String) -> MailboxLogin? {
        guard let fields = fields(node, path: path, allowed: ["user", "password"]) else { return nil }
        let user = fields["user"].flatMap { nonEmptyString($0, path: fields.path("user")) }
        let password = fields["password"].flatMap { secret($0, path: fields.path("password")) }
        if !fields.has("user"), !fields.has("password") {
            diagnostics.error(node.location, "\(path) needs user, password or both")
        }
        return MailboxLogin(user: user, password: password)
    }

    private mutating func tagList(_ node: PlanNode, path: String) -> [String]? {
        guard let tags = strings(node, path: path) else { return nil }
        for tag in tags where !Self.isTag(tag) {
            diagnostics.error(node.location, "tag '\(tag)' in \(path) may only hold ASCII letters, digits, '-', '_' and '.'")
        }
        return tags
    }

    static func isTag(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// `import: FILE` (optionally with `tags:` added to every row) reads mailboxes from a CSV file.
    private mutating func decodeImport(_ node: PlanNode, path: String) -> [MailboxMapping] {
        guard let fields = fields(node, path: path, allowed: ["import", "tags"]),
              let fileNode = required(fields, "import"),
              let relative = nonEmptyString(fileNode, path: fields.path("import"))
        else { return [] }
        let extraTags = fields["tags"].flatMap { tagList($0, path: fields.path("tags")) } ?? []
        let url = baseDirectory.resolvingPlanPath(relative)
        let shownName = relative.hasPrefix("/") ? relative : Self.displayName(of: relative, nextTo: file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            diagnostics.error(fileNode.location, "cannot read the mailbox list \(shownName): no such file or not readable")
            return []
        }
        guard data.count <= YAMLLimits.standard.maxFileSize else {
            diagnostics.error(fileNode.location, "the mailbox list \(shownName) is larger than \(YAMLLimits.standard.maxFileSize) bytes")
            return []
        }
        guard case .valid(let text) = TextValidation.check([UInt8](data)) else {
            diagnostics.error(fileNode.location, "the mailbox list \(shownName) is not UTF-8 text")
            return []
        }
        var reader = MailboxCSVReader(file: shownName, decoder: self)
        let mailboxes = reader.read(text, extraTags: extraTags)
        self = reader.decoder
        return mailboxes
    }

    /// The imported file's name as a user would type it from where the plan was named.
    static func displayName(of relative: String, nextTo planFile: String) -> String {
        let folder = (planFile as NSString).deletingLastPathComponent
        return folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
    }

    private mutating func checkUnique(_ mailboxes: [MailboxMapping]) {
        var sources: [EmailAddress: SourceLocation] = [:]
        var targets: [EmailAddress: SourceLocation] = [:]
        for mailbox in mailboxes {
            if let first = sources[mailbox.source] {
                diagnostics.error(mailbox.location, "mailbox \(mailbox.source) is listed twice (first at \(first))")
                continue
            }
            sources[mailbox.source] = mailbox.location
            if let first = targets[mailbox.target] {
                diagnostics.error(mailbox.location, "two mailboxes go to the same target \(mailbox.target) (the other at \(first)); give each its own target")
            } else {
                targets[mailbox.target] = mailbox.location
            }
        }
    }
}

/// Reads the rows of a mailbox CSV (`source,target,tags[,source_user,source_password,target_user,target_password]`).
struct MailboxCSVReader {
    static let columns = ["source", "target", "tags", "source_user", "source_password", "target_user", "target_password"]

    let file: String
    var decoder: PlanDecoder

    mutating func read(_ text: String, extraTags: [String]) -> [MailboxMapping] {
        let table: CSVTable
        do {
            table = try CSVTable.parse(text)
        } catch {
            decoder.diagnostics.error(SourceLocation(file: file, line: error.line, column: error.column), "invalid CSV: \(error.message)")
            return []
        }
        guard let header = table.rows.first else {
            decoder.diagnostics.error(SourceLocation(file: file, line: 1, column: 1), "the mailbox list is empty; expected a header row: source,target,tags")
            return []
        }
        var columnIndex: [String: Int] = [:]
        for (index, field) in header.enumerated() {
            let name = field.text.lowercased()
            if Self.columns.contains(name) {
                columnIndex[name] = index
            } else {
                var message = "unknown column '\(field.text)'"
                if let suggestion = closestMatch(to: name, in: Self.columns) { message += " (did you mean '\(suggestion)'?)" } else {
                    message += "; expected: \(Self.columns.joined(separator: ", "))"
                }
                decoder.diagnostics.error(location(field), message)
            }
        }
        guard columnIndex["source"] != nil else {
            decoder.diagnostics.error(SourceLocation(file: file, line: 1, column: 1), "the mailbox list needs a header row with a 'source' column (source,target,tags)")
            return []
        }
        var mailboxes: [MailboxMapping] = []
        for row in table.rows.dropFirst() {
            if let mailbox = mailbox(from: row, columns: columnIndex, width: header.count, extraTags: extraTags) {
                mailboxes.append(mailbox)
            }
        }
        return mailboxes
    }

    private func location(_ field: CSVTable.Field) -> SourceLocation {
        SourceLocation(file: file, line: field.line, column: field.column)
    }

    private mutating func mailbox(
        from row: [CSVTable.Field], columns: [String: Int], width: Int, extraTags: [String]
    ) -> MailboxMapping? {
        let rowLocation = SourceLocation(file: file, line: row.first?.line ?? 1, column: 1)
        if row.count > width {
            decoder.diagnostics.error(rowLocation, "the row has \(row.count) fields but the header has \(width)")
            return nil
        }
        func field(_ name: String) -> CSVTable.Field? {
            guard let index = columns[name], index < row.count, !row[index].text.isEmpty else { return nil }
            return row[index]
        }
        func address(_ name: String) -> EmailAddress?? {
            guard let field = field(name) else { return .some(nil) }
            guard let address = EmailAddress(field.text) else {
                decoder.diagnostics.error(location(field), "\(name) must be an address like user@example.com, found '\(field.text)'")
                return nil
            }
            return .some(address)
        }
        func secret(_ name: String) -> SecretReference?? {
            guard let field = field(name) else { return .some(nil) }
            guard let reference = SecretReference(parsing: field.text) else {
                decoder.diagnostics.error(location(field), "\(name) must be a secret reference, not the secret itself: write env:NAME or file:PATH")
                return nil
            }
            decoder.checkPlaceholders(field.text, at: location(field), path: name)
            return .some(reference)
        }
        guard let sourceField = field("source") else {
            decoder.diagnostics.error(rowLocation, "the row has no source address")
            return nil
        }
        guard let source = address("source"), let source, let target = address("target"),
              let sourcePassword = secret("source_password"), let targetPassword = secret("target_password")
        else { return nil }
        var tags = extraTags
        if let tagField = field("tags") {
            let words = tagField.text.split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init)
            for word in words where !PlanDecoder.isTag(word) {
                decoder.diagnostics.error(location(tagField), "tag '\(word)' may only hold ASCII letters, digits, '-', '_' and '.'")
            }
            tags += words
        }
        let sourceUser = field("source_user")?.text
        let targetUser = field("target_user")?.text
        return MailboxMapping(
            source: source, target: target ?? source, tags: tags,
            sourceLogin: sourceUser != nil || sourcePassword != nil ? MailboxLogin(user: sourceUser, password: sourcePassword) : nil,
            targetLogin: targetUser != nil || targetPassword != nil ? MailboxLogin(user: targetUser, password: targetPassword) : nil,
            location: location(sourceField))
    }
}
