/// The DNS systems a plan may change, by name.
public struct DNSSettings: Sendable, Hashable, Codable {
    /// Providers by the name domains refer to.
    public var providers: [String: DNSProvider]

    /// Creates DNS settings.
    public init(providers: [String: DNSProvider]) {
        self.providers = providers
    }
}

/// One DNS system mailmig can update.
public struct DNSProvider: Sendable, Hashable, Codable {
    /// The provider's name in the plan.
    public var name: String
    /// How to talk to it.
    public var kind: Kind
    /// Where it was declared.
    public var location: SourceLocation

    /// Creates a provider.
    public init(name: String, kind: Kind, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.location = location
    }

    /// The protocols mailmig speaks.
    public enum Kind: Sendable, Hashable, Codable {
        /// RFC 2136 dynamic updates signed with TSIG.
        case rfc2136(RFC2136Settings)

        /// The plan key of the kind (`rfc2136`), under which its adapter is registered.
        public var key: String {
            switch self {
            case .rfc2136: return "rfc2136"
            }
        }
    }
}

/// Settings of an RFC 2136 (dynamic update) server.
public struct RFC2136Settings: Sendable, Hashable, Codable {
    /// The primary server's address.
    public var host: String
    /// The primary server's port (53 by default).
    public var port: Int
    /// The TSIG key.
    public var key: TSIGKeySettings
    /// Servers asked to confirm propagation; the zone's NS records are used when empty.
    public var checkServers: [String]
    /// Seconds to wait for an answer.
    public var timeoutSeconds: Int

    /// Creates RFC 2136 settings.
    public init(host: String, port: Int, key: TSIGKeySettings, checkServers: [String], timeoutSeconds: Int) {
        self.host = host
        self.port = port
        self.key = key
        self.checkServers = checkServers
        self.timeoutSeconds = timeoutSeconds
    }
}

/// A TSIG key by reference.
public struct TSIGKeySettings: Sendable, Hashable, Codable {
    /// The key's name as the server knows it.
    public var name: String
    /// `hmac-sha256` or `hmac-sha512`.
    public var algorithm: String
    /// The base64 secret, by reference.
    public var secret: SecretReference

    /// Creates a TSIG key reference.
    public init(name: String, algorithm: String, secret: SecretReference) {
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }

    /// Algorithms mailmig signs with.
    public static let algorithms = ["hmac-sha256", "hmac-sha512"]
}
