/// Runs a mail operation again when it failed in a way a retry may fix (a dropped connection, a
/// timeout, `NO [UNAVAILABLE]`), with growing pauses; any other failure is thrown at once.
enum TransientRetry {
    /// Attempts in all, the first included.
    static let attempts = 3

    /// Runs `body` up to `attempts` times; pauses 2 s, then 8 s between attempts.
    static func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as MailError where error.isTransient && attempt < attempts {
                try await Task.sleep(nanoseconds: UInt64(attempt * attempt) * 2_000_000_000)
                attempt += 1
            }
        }
    }
}
