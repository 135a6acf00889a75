import MailMigCore

/// Settings of an RFC 2136 (dynamic update) server: what `dns.providers.NAME.rfc2136` holds.
public struct RFC2136Settings: Sendable, Hashable {
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
public struct TSIGKeySettings: Sendable, Hashable {
    /// The key's name as the server knows it.
    public var name: String
    /// `hmac-sha256` or `hmac-sha512`.
    public var algorithm: String
    /// The base64 secret, by reference.
    public var secret: SecretReference

    /// Algorithms mailmig signs with.
    public static let algorithms = ["hmac-sha256", "hmac-sha512"]

    /// Creates a TSIG key reference.
    public init(name: String, algorithm: String, secret: SecretReference) {
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }
}
