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

    /// Lower-case hex of a digest (or of any bytes), as the ledger, the backup's manifest and saved plans
    /// write it: two characters per byte.
    public static func hex<Bytes: Sequence>(_ digest: Bytes) -> String where Bytes.Element == UInt8 {
        // One string built from bytes, not one per byte joined: this runs for every message copied.
        var text: [UInt8] = []
        text.reserveCapacity(digest.underestimatedCount * 2)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
