import Crypto
import Foundation

/// SHA-256 as the manifest writes it, computed independently of the store.
enum SHA256Hex {
    /// Lower-case hex.
    static func of(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
