import Crypto

/// SHA-256 in lower-case hex, as dump.py and the manifest write it, computed apart from mailmig.
enum SHA256Hex {
    /// The digest of `bytes`.
    static func of<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
    }
}
