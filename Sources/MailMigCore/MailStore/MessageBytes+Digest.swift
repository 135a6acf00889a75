import Crypto
import MailMigSpool

extension MessageBytes {
    /// SHA-256 of the bytes, lower-case hex, as the ledger and the backup's manifest record it; a
    /// spooled message is hashed a chunk at a time, never read whole.
    ///
    /// - Throws: `SpoolError` when a spool file cannot be read.
    public func sha256() throws -> String {
        if let bytes = inMemory { return Self.hex(SHA256.hash(data: bytes)) }
        var hasher = SHA256()
        try forEachChunk { chunk in
            hasher.update(data: chunk)
            return true
        }
        return Self.hex(hasher.finalize())
    }

    /// Lower-case hex of a digest.
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
