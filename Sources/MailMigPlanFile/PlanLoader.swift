import Foundation
import MailMigCore

/// Reads and checks plan files. Offline: nothing is resolved or contacted, no secret is read.
///
/// Every load takes the DNS provider kinds the build knows (the composition root's
/// `AdapterRegistry.dns`): each kind reads its own `dns.providers.NAME.<kind>` settings, and any other
/// key there is an error naming the known kinds.
public enum PlanLoader {
    /// The outcome of loading a plan: the plan when it has no errors, and every diagnostic found.
    public struct Result: Sendable {
        /// The checked plan, or `nil` when there is at least one error.
        public var plan: Plan?
        /// Errors and warnings, in file order.
        public var diagnostics: [Diagnostic]
        /// The bytes that were parsed: what a saved plan's checksum is taken of, so the plan file is read once.
        public var bytes: [UInt8] = []

        /// Only the errors.
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
        /// Only the warnings.
        public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    }

    /// The file `mailmig` reads when no plan is named.
    public static let defaultFileName = "mailmig.yaml"

    /// Loads the plan at `path` (as the user wrote it; used verbatim in messages).
    public static func load(path: String, dnsKinds: DNSProviderRegistry) -> Result {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let reason = !exists ? "no such file" : isDirectory.boolValue ? "it is a folder" : "it cannot be read"
            return Result(plan: nil, diagnostics: [
                Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "cannot read the plan file: \(reason)")
            ])
        }
        return load(bytes: [UInt8](data), file: path, baseDirectory: url.deletingLastPathComponent(), dnsKinds: dnsKinds)
    }

    /// Loads a plan from bytes; `file` names it in diagnostics, `baseDirectory` resolves its relative paths.
    public static func load(bytes: [UInt8], file: String, baseDirectory: URL, dnsKinds: DNSProviderRegistry) -> Result {
        let document = YAMLDocument.read(bytes, file: file)
        guard let root = document.root else {
            return Result(plan: nil, diagnostics: document.diagnostics, bytes: bytes)
        }
        var decoder = PlanDecoder(file: file, baseDirectory: baseDirectory.standardizedFileURL, dnsKinds: dnsKinds)
        let plan = decoder.decodePlan(root)
        let diagnostics = decoder.diagnostics.items.sorted { ($0.location.file == file ? 0 : 1, $0.location.line, $0.location.column) < ($1.location.file == file ? 0 : 1, $1.location.line, $1.location.column) }
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return Result(plan: hasErrors ? nil : plan, diagnostics: diagnostics, bytes: bytes)
    }

    /// Loads a plan from text, for tests and for `mailmig init`'s self-check.
    public static func load(text: String, file: String, baseDirectory: URL, dnsKinds: DNSProviderRegistry) -> Result {
        load(bytes: Array(text.utf8), file: file, baseDirectory: baseDirectory, dnsKinds: dnsKinds)
    }
}

extension PlanDecoder {
    static let topLevelKeys = ["mailmig", "name", "source", "target", "dns", "domains", "mailboxes", "folders", "filters", "batches", "stages", "dedupe", "backup", "state", "collections"]

    /// Reads the whole document.
    mutating func decodePlan(_ root: PlanNode) -> Plan? {
        guard let fields = fields(root, path: "", allowed: Self.topLevelKeys) else { return nil }
        var version: Int?
        if let node = fields["mailmig"] {
            if case .scalar(let text, .int) = node.content, text == "1" {
                version = 1
            } else {
                diagnostics.error(node.location, "this mailmig reads plan format 1; found mailmig: \(node.scalarText ?? "…"). Upgrade mailmig or write mailmig: 1")
            }
        } else {
            diagnostics.error(root.location, "the plan must start with the format version: mailmig: 1")
        }
        var name: String?
        if let node = required(fields, "name"), let text = nonEmptyString(node, path: "name") {
            if text.count > 100 || text.contains("\n") {
                diagnostics.error(node.location, "name must be one line of at most 100 characters")
            } else {
                name = text
            }
        }
        let source = required(fields, "source").flatMap { decodeServer($0, path: "source") }
        let target = required(fields, "target").flatMap { decodeServer($0, path: "target") }
        let (dns, unusableProviders) = fields["dns"].map { decodeDNS($0) } ?? (DNSSettings(providers: [:]), [])
        let domains = fields["domains"].map {
            decodeDomains($0, dns: dns, unusableProviders: unusableProviders, dnsWritten: fields.has("dns"))
        } ?? []
        let mailboxes = fields["mailboxes"].map { decodeMailboxes($0) } ?? []
        var folders = fields["folders"].map { decodeFolders($0) } ?? .standard
        var filters = fields["filters"].map { decodeFilters($0) } ?? Filters()
        // What the services' presets know: their folder names, and the target's message size limit.
        folders.sourceFolderNames = source?.preset?.folderNames
        folders.targetFolderNames = target?.preset?.folderNames
        if filters.maxMessageSize == nil { filters.maxMessageSize = target?.preset?.maxMessageSize }
        let stages = fields["stages"].map { decodeStages($0) } ?? .standard
        let dedupe = fields["dedupe"].flatMap { choice($0, path: "dedupe", as: Plan.Dedupe.self) }
        let backup = fields["backup"].flatMap { decodeBackup($0) }
        let state = fields["state"].map { decodeState($0) } ?? .local
        let davWritten = Set(["source", "target"].filter { side in
            if case .mapping(let pairs) = fields[side]?.content { return pairs.contains { $0.key.scalarText == "dav" } }
            return false
        })
        let collections = fields["collections"].flatMap { decodeCollections($0, source: source, target: target, davWritten: davWritten) }
        let (batches, members) = decodeBatches(fields["batches"], mailboxes: mailboxes)
        if let source, let target {
            checkLogins(source: source, target: target, mailboxes: mailboxes)
            checkKinds(source: source, target: target, folders: fields["folders"], backup: backup)
        }
        guard let version, let name, let source, let target else { return nil }
        var plan = Plan(formatVersion: version, name: name, source: source, target: target, dns: dns, domains: domains,
                    mailboxes: mailboxes, folders: folders, filters: filters, batches: batches, stages: stages, dedupe: dedupe,
                    backup: backup, state: state, file: file, baseDirectory: baseDirectory, batchMembers: members)
        plan.collections = collections
        return plan
    }

    /// With `per-mailbox` login, each mailbox needs a password from somewhere.
    private mutating func checkLogins(source: MailServer, target: MailServer, mailboxes: [MailboxMapping]) {
        for (side, server, login) in [("source", source, \MailboxMapping.sourceLogin), ("target", target, \MailboxMapping.targetLogin)] {
            guard let settings = server.login, settings.style == .perMailbox, settings.password == nil else { continue }
            for mailbox in mailboxes where mailbox[keyPath: login]?.password == nil {
                diagnostics.error(mailbox.location, "mailbox \(mailbox.source) has no \(side) password: \(side).login uses style per-mailbox, so give \(side).login.password (e.g. file:secrets/{localpart}) or a \(side)_login.password for the mailbox")
            }
        }
    }
}
