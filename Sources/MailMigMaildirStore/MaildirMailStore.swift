import Foundation
import MailMigCore

/// A mail store over local Maildir++ folder trees, one per mailbox: a backup that is written like a
/// target and read back like a source.
///
/// `root(mailbox)` gives each mailbox's tree ([docs/maildir.md](../../docs/maildir.md) describes the
/// layout). On the target side a session creates the root (0700) when it is missing and writes
/// messages, flags, folders and subscriptions, with a `manifest.jsonl` recording every message's
/// SHA-256; on the source side it reads, and a Maildir another program wrote (without a manifest) is
/// read as it is. The store never deletes a message.
public struct MaildirMailStore: MailStore {
    /// Which side it serves.
    public let side: MailSide
    /// Each mailbox's Maildir tree.
    public let root: @Sendable (MailboxMapping) -> URL
    /// How errors name the store (`backup backups/`).
    public let label: String

    /// A store for `side` over the trees `root` gives, named `label` in errors.
    public init(side: MailSide, root: @escaping @Sendable (MailboxMapping) -> URL, label: String) {
        self.side = side
        self.root = root
        self.label = label
    }

    /// The label, as errors name the store.
    public var server: String { label }

    /// Opens the mailbox's Maildir (creating, locking and recovering it as `side` requires), runs
    /// `body`, and releases it whatever `body` does. Errors are `MailError`s naming the store and the
    /// mailbox: a source tree that does not exist is `.noSuchFolder`, with its path.
    public func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any MailStoreSession) async throws -> T) async throws -> T {
        let name = mailbox.source.description
        let session: MaildirStoreSession
        do {
            session = MaildirStoreSession(side: side, root: try MaildirRoot.open(root(mailbox), side: side))
        } catch {
            throw MailError(error, side: side, server: label, mailbox: name, folder: nil)
        }
        do {
            let result = try await body(session)
            await session.end()
            return result
        } catch {
            await session.end()
            throw MailError.wrapping(error, side: side, server: label, mailbox: name, folder: nil)
        }
    }
}
