import Foundation
import MailMigCore

extension MaildirMailStore {
    /// Registers this kind under its plan key `maildir`: the one line the composition root adds. The
    /// plan's path template is filled per mailbox with its addresses written as file names
    /// (`Template.fileName`) and resolved against the plan's folder; the backup is such a store too.
    public static func register(in registry: inout MailStoreRegistry) {
        registry.register("maildir") { side, server, context in
            guard case .maildir(let template) = server.access else { return nil }
            let base = context.baseDirectory
            return MaildirMailStore(side: side, root: { mailbox in
                base.resolvingPlanPath(Template.fill(template, with: placeholders(of: mailbox, side: side)))
            }, label: template)
        }
    }

    /// The placeholders of a mailbox as file names: `{address}`, `{localpart}`, `{domain}` are the side's own.
    static func placeholders(of mailbox: MailboxMapping, side: MailSide) -> [String: String] {
        var values = Template.mailboxValues(source: mailbox.source, target: mailbox.target)
        let own = side == .source ? mailbox.source : mailbox.target
        values["address"] = own.description
        values["localpart"] = own.localPart
        values["domain"] = own.domain
        return values.mapValues(Template.fileName)
    }
}

extension MaildirMailStore: SelfCheckingMailStore {
    /// Hashes every file of the mailbox's tree again against the newest line of its manifest.
    public func checkIntegrity(of mailbox: MailboxMapping) async throws -> [String] {
        let tree = root(mailbox)
        do {
            return try MaildirManifestAudit.audit(root: tree).map { "\($0) (\(tree.path))" }
        } catch {
            throw MailError(error, side: side, server: label, mailbox: mailbox.source.description, folder: nil)
        }
    }
}
