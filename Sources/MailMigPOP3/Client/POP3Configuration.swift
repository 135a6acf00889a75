import MailMigTLS

/// How to reach one POP3 server: address, transport security, limits, timeouts and a label for messages.
public struct POP3Configuration: Sendable, CustomStringConvertible {
    /// Transport security.
    public enum TLSMode: String, Sendable {
        /// TLS from the first byte (usually port 995).
        case implicit
        /// Plain connection upgraded with STLS (RFC 2595 §4) before login (usually port 110); a
        /// server that does not offer or refuses STLS is an error, never a plain-text session.
        case startTLS = "stls"
        /// No TLS at all.
        case none
    }

    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Transport security.
    public var tls: TLSMode
    /// Certificate trust; verification is on unless `.doNotVerify` is asked for.
    public var trust: TLSTrust
    /// Seconds to wait for the TCP connection.
    public var connectTimeout: Double
    /// Seconds a command's complete response may take, before reading progress earns more time.
    public var commandTimeout: Double
    /// Bytes per second a response must keep up: each byte read extends the command's deadline by
    /// `1 / minimumTransferRate` seconds, so a large message may take as long as it needs at this
    /// rate, and a server that trickles slower still meets the deadline.
    public var minimumTransferRate: Int
    /// The longest status line, and the slice size in which longer message lines are read (bytes).
    public var maximumLineLength: Int
    /// The largest multi-line answer to CAPA, LIST and UIDL (bytes, after dot-unstuffing).
    public var maximumListingSize: Int
    /// A name for this server in errors and logs, e.g. `source` or `pop.example.org`.
    public var label: String

    /// A configuration; the label defaults to `host:port`.
    public init(
        host: String,
        port: Int,
        tls: TLSMode = .implicit,
        trust: TLSTrust = .systemRoots,
        connectTimeout: Double = 30,
        commandTimeout: Double = 60,
        minimumTransferRate: Int = 4096,
        maximumLineLength: Int = 8192,
        maximumListingSize: Int = 64 << 20,
        label: String? = nil
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.trust = trust
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.minimumTransferRate = max(1, minimumTransferRate)
        self.maximumLineLength = max(512, maximumLineLength)
        self.maximumListingSize = maximumListingSize
        self.label = label ?? "\(host):\(port)"
    }

    /// `label (host:port, tls)`.
    public var description: String { "\(label) (\(host):\(port), tls \(tls.rawValue))" }
}
