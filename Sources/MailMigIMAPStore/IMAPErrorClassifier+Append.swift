import MailMigCore
import MailMigIMAP

extension IMAPErrorClassifier {
    /// What a refused APPEND is about, and so what becomes of the message.
    enum AppendRefusal: Equatable {
        /// The message itself cannot be stored (RFC 5530 `PARSE`, `CANNOT`; `TOOBIG` of RFC 4469 and
        /// RFC 7889): it is skipped and reported.
        case message
        /// The server gives no reason that names the message (a `NO` without a code, an unknown code): a
        /// skip only when other messages of the same call were stored.
        case unclear
        /// The folder, the account or the session is at fault (`OVERQUOTA`, `TRYCREATE`, `NOPERM`,
        /// `EXPIRED`, a `BAD`…): the message stays pending and the pass fails.
        case folder
        /// The server is busy, throttling or hit a fault of its own, or the connection failed: the
        /// message stays pending and the pass is retried.
        case transient
    }

    /// RFC 5530, RFC 4469 and RFC 7889 codes that say the message itself cannot be stored.
    static let messageCodes: Set<String> = ["TOOBIG", "PARSE", "CANNOT"]

    /// What a failed APPEND says. `LIMIT` is transient as for every command: RFC 5530 names limits of a
    /// whole mailbox as well as of one message with it, so it never marks the message as refused; a
    /// limit that lasts fails the pass after its retries, and the message stays pending.
    static func appendRefusal(_ error: IMAPError) -> AppendRefusal {
        if isTransient(error) { return .transient }
        let name: String? = if case .other(let name, _)? = error.responseCode { name.uppercased() } else { nil }
        if case .appendRequiresBinary = error { return .message }
        guard case .no(_, _, _, let code) = error else { return .folder }
        guard code != nil else { return .unclear }
        guard let name else { return .folder }  // TRYCREATE, OVERQUOTA, READ-ONLY: the folder or the account
        if messageCodes.contains(name) { return .message }
        return accountCodes.contains(name) ? .folder : .unclear
    }

    /// RFC 5530 codes about the account, the mailbox or the session, never about one message.
    static let accountCodes: Set<String> = ["NOPERM", "NONEXISTENT", "CONTACTADMIN", "EXPIRED", "PRIVACYREQUIRED", "AUTHENTICATIONFAILED",
                                            "AUTHORIZATIONFAILED", "ALREADYEXISTS", "CLIENTBUG", "EXPUNGEISSUED", "CORRUPTION"]

    /// One outcome per APPEND answer, in order. A refusal about the message is a skip; an unclear one is
    /// a skip only when another message of the same call was stored (the server took the others, so
    /// the refusal concerns this one); anything else leaves the message pending with the classified
    /// error, which fails (or, transient, retries) the pass.
    static func appendOutcomes(_ results: [Result<AppendResult, IMAPError>]) -> [AppendOutcome] {
        let someStored = results.contains { if case .success = $0 { true } else { false } }
        return results.map { result in
            switch result {
            case .success(let stored):
                return .stored(uidValidity: stored.uidValidity, uid: stored.uid.map(MessageKey.uid))
            case .failure(let error):
                switch appendRefusal(error) {
                case .message: return .refused(error.description)
                case .unclear where someStored: return .refused(error.description)
                case .unclear, .folder, .transient: return .failed(appendFailure(error))
                }
            }
        }
    }

    /// The error a message's APPEND leaves the pass with: transient when the server is busy or the
    /// connection failed, otherwise a failure; a full quota says what it means for the messages.
    static func appendFailure(_ error: IMAPError) -> MailStoreError {
        if isTransient(error) { return classify(error) as? MailStoreError ?? MailStoreError(.transient, error.description) }
        guard error.responseCode == .overQuota else { return MailStoreError(.failed, error.description) }
        return MailStoreError(.failed, "the account is over its quota, so nothing more can be stored until space is freed; the messages "
                                  + "stay pending and the next apply tries again (\(error.description))")
    }

    /// Whether a refused MULTIAPPEND (one transaction, RFC 3502) is worth sending again message by
    /// message to learn which message the server refuses: only when the refusal may concern one message.
    static func mayConcernOneMessage(_ error: IMAPError) -> Bool {
        [.message, .unclear].contains(appendRefusal(error))
    }
}
