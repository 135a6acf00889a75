import MailMigCore
import MailMigPOP3

/// Turns the POP3 library's errors into the engine's `MailStoreError` kinds: which are worth a retry.
enum POP3ErrorClassifier {
    /// `transient` (a lost connection, a timeout, `[IN-USE]`, `[LOGIN-DELAY]`, `[SYS/TEMP]`) stays
    /// transient, `loginRefused` stays a refused login, and everything else is a failure. A refused
    /// login for `[LOGIN-DELAY]` carries the delay the server announced (`LOGIN-DELAY` in CAPA) as the
    /// pause to wait. Errors that are not `POP3Error`s pass through unchanged.
    static func classify(_ error: any Error, loginDelay: Int? = nil) -> any Error {
        guard let pop3 = error as? POP3Error else { return error }
        switch pop3.kind {
        case .transient:
            var pause: Double?
            if case .err(_, _, .loginDelay?, _) = pop3, let loginDelay { pause = Double(loginDelay) }
            return MailStoreError(.transient, pop3.description, retryAfter: pause)
        case .loginRefused:
            return MailStoreError(.loginRefused, pop3.description)
        case .permanent:
            return MailStoreError(.failed, pop3.description)
        }
    }

    /// Whether the server refused UIDL for good: it gives messages no unique-ids.
    static func refusesUIDL(_ error: any Error) -> Bool {
        guard let pop3 = error as? POP3Error, case .err(_, "UIDL", _, _) = pop3 else { return false }
        return pop3.kind == .permanent
    }

    /// Whether the server refused a command on one message for good (`-ERR` to RETR or TOP without a
    /// code of a busy server): the session goes on, and the message is left out of the answer.
    static func refusesMessage(_ error: any Error) -> Bool {
        guard let pop3 = error as? POP3Error, case .err = pop3 else { return false }
        return pop3.kind == .permanent
    }

    /// Runs `body`, classifying any POP3 error it throws.
    static func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw classify(error)
        }
    }
}
