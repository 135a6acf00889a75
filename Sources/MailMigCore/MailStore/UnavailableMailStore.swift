/// The store of a side whose kind this build cannot drive: every session fails with an error saying so.
///
/// Keeps a plan that only changes DNS workable, and makes a mail step fail with one clear sentence
/// instead of the engine needing a store it does not have.
struct UnavailableMailStore: MailStore {
    let side: MailSide
    let server: String
    let kind: String

    init(side: MailSide, server: MailServer) {
        self.side = side
        self.server = server.access.label
        self.kind = server.access.key
    }

    func withSession<T: Sendable>(for mailbox: MailboxMapping, _ body: (any MailStoreSession) async throws -> T) async throws -> T {
        throw MailError(side: side, server: server, mailbox: mailbox.source.description,
                        reason: "this build cannot use \(kind) as the \(side.rawValue)")
    }
}
