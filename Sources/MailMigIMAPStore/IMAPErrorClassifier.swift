import MailMigCore
import MailMigIMAP

/// Turns the IMAP library's errors into the engine's `MailStoreError` kinds: which are worth a retry.
enum IMAPErrorClassifier {
    /// RFC 5530 codes of a server that is busy or hit a fault of its own: the same command may work later.
    static let busyCodes: Set<String> = ["UNAVAILABLE", "INUSE", "LIMIT", "SERVERBUG"]

    /// A dropped connection, a silent server (timeout), `BYE`, the RFC 5530 codes of a busy server and a
    /// throttling answer are transient (with the server's suggested pause, when it gives one); a
    /// `NO [AUTHENTICATIONFAILED]` or `[AUTHORIZATIONFAILED]` is a refused login; every other `IMAPError`
    /// is a failure, a command that never completes while the server keeps talking among them: asking
    /// again would only cost the same deadline again. Errors that are not `IMAPError`s pass through unchanged.
    static func classify(_ error: any Error) -> any Error {
        guard let imap = error as? IMAPError else { return error }
        let kind: MailStoreError.Kind = isTransient(imap) ? .transient : refusesLogin(imap) ? .loginRefused : .failed
        guard kind == .transient else { return MailStoreError(kind, imap.description) }
        return MailStoreError(.transient, imap.description, retryAfter: Throttling.suggestedPause(in: imap), throttled: Throttling.isThrottling(imap))
    }

    /// Whether the server refused the credentials or the identity they act for (RFC 5530 §3).
    static func refusesLogin(_ error: IMAPError) -> Bool {
        guard case .no(_, _, _, .other(let name, _)?) = error else { return false }
        return ["AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED"].contains(name.uppercased())
    }

    /// Whether retrying the same command later may succeed.
    static func isTransient(_ error: IMAPError) -> Bool {
        switch error {
        case .timeout where error.isSilentGreeting: return false
        case .connectionLost, .timeout, .bye, .connectFailed: return true
        case .no(_, _, _, let code), .bad(_, _, _, let code):
            if case .other(let name, _)? = code, busyCodes.contains(name.uppercased()) { return true }
            // Exchange Online throttles with a NO or a BAD and no code, Gmail with `[ALERT]` or `[OVERQUOTA]`.
            return Throttling.isThrottling(error)
        default: return false
        }
    }

    /// Whether a refused SELECT/EXAMINE says the folder does not exist: `NO [NONEXISTENT]` (RFC 5530) or a
    /// `NO` without a code. A busy folder (`[INUSE]`, `[UNAVAILABLE]`, `[LIMIT]`, a throttled request)
    /// or a refusal (`[NOPERM]`) is not a missing folder: treating it as one would, in recovery, forget
    /// messages that may well be on the target.
    static func meansNoSuchFolder(_ error: IMAPError) -> Bool {
        guard case .no(_, _, _, let code) = error, !isTransient(error) else { return false }
        guard let code else { return true }
        if case .other(let name, _) = code { return name.uppercased() == "NONEXISTENT" }
        return false
    }

    /// Runs `body`, classifying any IMAP error it throws.
    static func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw classify(error)
        }
    }
}
