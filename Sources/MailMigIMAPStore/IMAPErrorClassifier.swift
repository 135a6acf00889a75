import MailMigCore
import MailMigIMAP

/// Turns the IMAP library's errors into the engine's `MailStoreError` kinds: which are worth a retry.
enum IMAPErrorClassifier {
    /// A dropped connection, a timeout, `BYE` and the RFC 5530 codes of a busy server are transient;
    /// every other `IMAPError` is a failure. Errors that are not `IMAPError`s pass through unchanged.
    static func classify(_ error: any Error) -> any Error {
        guard let imap = error as? IMAPError else { return error }
        return MailStoreError(isTransient(imap) ? .transient : .failed, imap.description)
    }

    static func isTransient(_ error: IMAPError) -> Bool {
        switch error {
        case .connectionLost, .timeout, .bye, .connectFailed: return true
        case .no(_, _, _, .other(let name, _)?): return ["UNAVAILABLE", "INUSE", "LIMIT"].contains(name.uppercased())
        default: return false
        }
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
