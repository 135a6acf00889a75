import Foundation
import MailMigCore

extension PlanDecoder {
    /// Reads `backup: { path: backups/, format: maildir }`.
    mutating func decodeBackup(_ node: PlanNode) -> BackupSettings? {
        guard let fields = fields(node, path: "backup", allowed: ["path", "format"]) else { return nil }
        let path = required(fields, "path").flatMap { nonEmptyString($0, path: "backup.path") }
        var format = BackupSettings.Format.maildir
        if let node = fields["format"] {
            format = choice(node, path: "backup.format", as: BackupSettings.Format.self) ?? format
        }
        if let path, let node = fields["path"], !Template.placeholders(in: path).isEmpty {
            diagnostics.error(node.location, "backup.path is one folder for every mailbox (each gets its own tree in it, named by its address): write it without placeholders")
        }
        guard let path else { return nil }
        return BackupSettings(path: path, format: format, location: node.location)
    }

    /// What the kinds of the two sides rule out: folder rules for a POP3 maildrop, which has one
    /// folder; a target that cannot be written; a backup of a source that is itself the backup.
    mutating func checkKinds(source: MailServer, target: MailServer, folders: PlanNode?, backup: BackupSettings?) {
        if case .pop3(_, let folder) = source.access, let folders, case .mapping(let pairs) = folders.content {
            for pair in pairs {
                let key = pair.key.scalarText ?? "…"
                diagnostics.error(pair.key.location, "folders.\(key) has no meaning for a POP3 source, whose maildrop is one folder "
                    + "(copied to \(folder)): remove it, and set source.pop3_folder to choose the target folder")
            }
        }
        if case .maildir(let path) = source.access, let backup,
           Self.folder(ofTemplate: path, base: baseDirectory).starts(with: Self.folder(ofTemplate: backup.path, base: baseDirectory)) {
            diagnostics.error(backup.location, "backup.path \(backup.path) holds the source's own Maildir trees (\(path)): a backup of a backup into itself would copy every message onto itself")
        }
    }

    /// The folder a path template names before its first placeholder, as absolute path components with
    /// `.`, `..`, repeated slashes and symbolic links resolved: `./backups/`, `x/../backups` and
    /// `backups/{source}` all start with the same components.
    static func folder(ofTemplate template: String, base: URL) -> [String] {
        let fixed = template.split(separator: "/", omittingEmptySubsequences: false).prefix { !$0.contains("{") }.joined(separator: "/")
        let url = fixed.hasPrefix("/") ? URL(fileURLWithPath: fixed) : base.appendingPathComponent(fixed)
        return url.standardizedFileURL.resolvingSymlinksInPath().pathComponents
    }
}
