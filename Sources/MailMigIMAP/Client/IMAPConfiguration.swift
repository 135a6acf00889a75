import MailMigTLS

/// How to reach one IMAP server: address, transport security, timeouts and a label for messages.
public struct IMAPConfiguration: Sendable, CustomStringConvertible {
    /// Transport security.
    public enum TLSMode: String, Sendable {
        /// TLS from the first byte (usually port 993).
        case implicit
        /// Plain connection upgraded with STARTTLS before login (usually port 143).
        case startTLS = "starttls"
        /// No TLS at all.
        case none
    }

    /// Which certificates to trust.
    public typealias Trust = TLSTrust

    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Transport security.
    public var tls: TLSMode
    /// Certificate trust.
    public var trust: Trust
    /// Seconds to wait for the TCP connection and the TLS handshake.
    public var connectTimeout: Double
    /// Seconds without any response while a command is waiting before the connection is given up.
    public var readTimeout: Double
    /// A name for this server in errors and logs, e.g. `source` or `imap.example.org`.
    public var label: String
    /// The most bytes one literal may announce; protects memory against a broken server.
    public var maximumLiteralSize: Int
    /// How many FETCH responses may wait for a slow consumer before reading from the socket pauses.
    public var fetchBufferDepth: Int

    /// A configuration; the label defaults to `host:port`.
    public init(
        host: String,
        port: Int,
        tls: TLSMode = .implicit,
        trust: Trust = .systemRoots,
        connectTimeout: Double = 30,
        readTimeout: Double = 120,
        label: String? = nil,
        maximumLiteralSize: Int = 1 << 30,
        fetchBufferDepth: Int = 2
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.trust = trust
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.label = label ?? "\(host):\(port)"
        self.maximumLiteralSize = maximumLiteralSize
        self.fetchBufferDepth = max(1, fetchBufferDepth)
    }

    /// `label (host:port, tls)`.
    public var description: String { "\(label) (\(host):\(port), tls \(tls.rawValue))" }
}

/// How to log in. Descriptions never contain the secret.
public enum IMAPCredentials: Sendable, CustomStringConvertible {
    /// `LOGIN user password`.
    case login(user: String, password: String)
    /// `AUTHENTICATE PLAIN`; with `authorizationIdentity` set, `user` (an admin) logs in and acts as it.
    case plain(user: String, password: String, authorizationIdentity: String? = nil)
    /// `AUTHENTICATE XOAUTH2` with an OAuth 2 access token.
    case xoauth2(user: String, accessToken: String)

    /// The account whose mail is accessed.
    public var mailboxOwner: String {
        switch self {
        case .login(let user, _), .xoauth2(let user, _): return user
        case .plain(let user, _, let authzid): return authzid ?? user
        }
    }

    /// The mechanism and identities, without the secret.
    public var description: String {
        switch self {
        case .login(let user, _): return "LOGIN as \(user)"
        case .plain(let user, _, let authzid?): return "AUTHENTICATE PLAIN as \(user) for \(authzid)"
        case .plain(let user, _, nil): return "AUTHENTICATE PLAIN as \(user)"
        case .xoauth2(let user, _): return "AUTHENTICATE XOAUTH2 as \(user)"
        }
    }
}
