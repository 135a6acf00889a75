import Foundation

/// The largest message body literal the framer reads into memory while body FETCHes with a size limit
/// are in flight; a larger one is skipped as it arrives and reported by its announced length.
///
/// Set by the client when it sends or completes such a command; read by the framer on the event loop.
final class BodyLiteralLimit: @unchecked Sendable {
    // Shared between the event loop (framer) and the client; every access takes the lock.
    private let lock = NSLock()
    private var limit: Int?

    /// The limit in bytes; nil while no limit applies (a FETCH without one is in flight, or none is).
    var current: Int? {
        get { lock.withLock { limit } }
        set { lock.withLock { limit = newValue } }
    }

    /// The most one response, or the responses one command collects, may hold: `cap`, raised while a
    /// limit is in force so that the largest allowed body fits twice (BODY[] and BINARY[] in one response).
    func responseLimit(cap: Int) -> Int {
        guard let body = current else { return cap }
        let (twice, overflow) = body.multipliedReportingOverflow(by: 2)
        return overflow ? Int.max : max(cap, twice + 1024 * 1024)
    }
}
