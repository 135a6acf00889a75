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
    /// Seconds without any byte from the server while a command is waiting before the connection is
    /// given up; also the base of every command's deadline (see `minimumTransferRate`).
    public var readTimeout: Double
    /// Bytes per second of message data a command must move at least. A command must complete within
    /// `readTimeout` plus one second for every this many literal bytes it sends (APPEND) or receives
    /// (FETCH) and every byte of FETCH results it receives, counted from when it is sent or becomes
    /// the oldest waiting; untagged responses that are not its results (`* OK still here`,
    /// `* n EXISTS`) do not extend it. Default 32 KiB/s, slow enough for any link a migration runs over.
    public var minimumTransferRate: Int
    /// A name for this server in errors and logs, e.g. `source` or `imap.example.org`.
    public var label: String
    /// The most bytes one literal may announce; protects memory against a broken server.
    public var maximumLiteralSize: Int
    /// The most bytes one response (a line and all its literals) may hold in memory; a larger one fails
    /// the connection with a protocol violation before it is buffered. Literals written to a spool
    /// file (see `spoolThreshold`) do not count. Without spooling it must admit the largest message
    /// twice over, since a BINARY re-fetch carries BODY[] and BINARY[] in one response: the default,
    /// 256 MiB, admits messages up to 127 MiB that way and up to 255 MiB otherwise. While a FETCH with
    /// a `maxBodySize` is in flight the cap is raised to twice that size plus 1 MiB, so what the caller
    /// allows always fits.
    public var maximumResponseSize: Int
    /// FETCH literals (message bodies) longer than this many bytes are written to a `SpoolFile` as they
    /// arrive instead of being held in memory, so memory does not grow with the largest message; nil
    /// holds every literal in memory. Default 1 MiB.
    public var spoolThreshold: Int?
    /// The directory spool files are created in (and at once unlinked from); nil for `$TMPDIR`, else `/tmp`.
    public var spoolDirectory: String?
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
        fetchBufferDepth: Int = 2,
        maximumResponseSize: Int = IMAPConfiguration.defaultMaximumResponseSize,
        minimumTransferRate: Int = IMAPConfiguration.defaultMinimumTransferRate,
        spoolThreshold: Int? = IMAPConfiguration.defaultSpoolThreshold,
        spoolDirectory: String? = nil
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
        self.maximumResponseSize = maximumResponseSize
        self.minimumTransferRate = max(1, minimumTransferRate)
        self.spoolThreshold = spoolThreshold
        self.spoolDirectory = spoolDirectory
    }

    /// 1 MiB: see `spoolThreshold`.
    public static let defaultSpoolThreshold = 1024 * 1024

    /// 256 MiB: see `maximumResponseSize`.
    public static let defaultMaximumResponseSize = 256 * 1024 * 1024

    /// 32 KiB per second: see `minimumTransferRate`.
    public static let defaultMinimumTransferRate = 32 * 1024

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
    /// `AUTHENTICATE OAUTHBEARER` (RFC 7628) with an OAuth 2 access token; `host` and `port` are the
    /// server's, as the mechanism's message carries them.
    case oauthBearer(user: String, host: String, port: Int, accessToken: String)

    /// Whether the secret is an OAuth 2 access token (which a refused login may mean has expired).
    public var isBearerToken: Bool {
        switch self {
        case .xoauth2, .oauthBearer: return true
        case .login, .plain: return false
        }
    }

    /// The account whose mail is accessed.
    public var mailboxOwner: String {
        switch self {
        case .login(let user, _), .xoauth2(let user, _), .oauthBearer(let user, _, _, _): return user
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
        case .oauthBearer(let user, _, _, _): return "AUTHENTICATE OAUTHBEARER as \(user)"
        }
    }
}
