import Foundation

/// HMAC algorithms supported for TSIG.
public enum TSIGAlgorithm: String, Sendable, CaseIterable, CustomStringConvertible {
    case hmacSHA256 = "hmac-sha256"
    case hmacSHA512 = "hmac-sha512"

    /// Parses `hmac-sha256` or `hmac-sha512`, in any case and with or without a trailing dot.
    public init(name: String) throws {
        let normalized = name.lowercased().hasSuffix(".") ? String(name.lowercased().dropLast()) : name.lowercased()
        guard let algorithm = TSIGAlgorithm(rawValue: normalized) else {
            throw DNSParseError(input: name, subject: "TSIG algorithm", expected: "hmac-sha256 or hmac-sha512")
        }
        self = algorithm
    }

    /// The algorithm's name as it appears in TSIG records.
    var domainName: DNSName { DNSName(uncheckedLabels: [Array(rawValue.utf8)]) }

    public var description: String { rawValue }
}

/// A TSIG key: its name, algorithm and shared secret.
///
/// The secret never appears in `description`, `debugDescription` or reflection, so a key can be
/// logged or dumped without leaking it.
public struct TSIGKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let name: DNSName
    public let algorithm: TSIGAlgorithm
    let secret: [UInt8]

    /// A key from raw secret bytes.
    public init(name: DNSName, algorithm: TSIGAlgorithm, secret: [UInt8]) {
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }

    /// A key whose secret is given in base64, as `tsig-keygen` prints it.
    public init(name: String, algorithm: TSIGAlgorithm, base64Secret: String) throws {
        let trimmed = base64Secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed), !data.isEmpty else {
            throw DNSParseError(input: "(secret hidden)", subject: "TSIG secret for key \(name)",
                                expected: "non-empty base64 text as printed by tsig-keygen")
        }
        self.init(name: try DNSName(name), algorithm: algorithm, secret: Array(data))
    }

    /// How many bytes the secret has (safe to print).
    public var secretLength: Int { secret.count }

    public var description: String { "TSIG key \(name) (\(algorithm), secret hidden)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "algorithm": algorithm], displayStyle: .struct)
    }
}
