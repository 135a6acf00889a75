/// One side of a migration: the source or the target mail system.
public struct MailServer: Sendable, Hashable, Codable {
    /// What kind of mail system it is and where: an IMAP or POP3 server, or a local Maildir tree.
    public var access: MailAccess
    /// How mailmig logs in to each mailbox; nil for a local store, which needs no login.
    public var login: LoginSettings?
    /// Upper bound of concurrent connections mailmig opens to this server.
    public var connections: Int
    /// How the connections adapt to a server that throttles.
    public var throttling = ThrottlingSettings()
    /// The service preset the plan named for this side (`preset:`), whose settings are already in the others.
    public var preset: ServicePreset? = nil
    /// How to create a missing mailbox (target only).
    public var provision: Provisioning?
    /// A command that prints every mailbox address of the server, one per line (source only; `mailmig discover`).
    public var enumerate: [String]? = nil
    /// The side's CalDAV/CardDAV server, for contacts and calendars (`dav:`); nil: none.
    public var dav: DAVEndpoint? = nil
    /// Where `source:` or `target:` was written.
    public var location: SourceLocation

    /// Creates the settings of one side.
    public init(
        access: MailAccess,
        login: LoginSettings?,
        connections: Int,
        provision: Provisioning? = nil,
        enumerate: [String]? = nil,
        throttling: ThrottlingSettings = ThrottlingSettings(),
        location: SourceLocation
    ) {
        self.access = access
        self.login = login
        self.connections = connections
        self.throttling = throttling
        self.provision = provision
        self.enumerate = enumerate
        self.location = location
    }

    /// Default for `connections`.
    public static let defaultConnections = 8

    /// How many mailboxes an apply copies at once unless told: as many as both servers' connections
    /// allow, since over a WAN each mailbox pass waits on round trips, not on the servers.
    public static func defaultParallelism(source: MailServer, target: MailServer) -> Int {
        max(1, min(source.connections, target.connections))
    }
}

/// Transport security of a connection to a mail server.
public enum TLSMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// TLS from the first byte (IMAP port 993, POP3 port 995).
    case implicit
    /// Plain connection upgraded with STARTTLS (IMAP port 143) or STLS (POP3 port 110); refused if the
    /// server does not offer it.
    case starttls
    /// No encryption: only sensible on a loopback or otherwise trusted network.
    case none
}

/// Host, port and TLS settings of a mail server (IMAP or POP3).
public struct ServerEndpoint: Sendable, Hashable, Codable {
    /// Host name or address.
    public var host: String
    /// TCP port; defaults to the protocol's port for the TLS mode (IMAP 993/143, POP3 995/110).
    public var port: Int
    /// Transport security.
    public var tls: TLSMode
    /// A CA certificate file (PEM) to trust instead of the system roots, relative to the plan's folder.
    public var caFile: String?
    /// `false` only when the plan explicitly turns certificate verification off; the plan output warns.
    public var verifyCertificates: Bool

    /// Creates an endpoint.
    public init(host: String, port: Int, tls: TLSMode, caFile: String? = nil, verifyCertificates: Bool) {
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        self.verifyCertificates = verifyCertificates
    }
}

/// How mailmig authenticates for each mailbox on one server.
public struct LoginSettings: Sendable, Hashable, Codable {
    /// How the admin credential is used to act as a mailbox.
    public enum Style: String, Sendable, Hashable, Codable, CaseIterable {
        /// Dovecot-style master user: log in as `{mailbox}{separator}{admin}` with the admin's password.
        case masterUser = "master-user"
        /// `AUTHENTICATE PLAIN` with the mailbox as authorization identity and the admin's credentials.
        case authzid
        /// Every mailbox logs in with its own credentials.
        case perMailbox = "per-mailbox"
        /// Every mailbox logs in as itself with an OAuth 2.0 access token from `oauth2`.
        case oauth2
    }

    /// The shared admin credential (required for `master-user` and `authzid`).
    public var admin: Credential?
    /// The login style.
    public var style: Style
    /// The login name of a mailbox on this server, e.g. `{address}`, `{localpart}`, `ACME\{localpart}`.
    public var userFormat: String
    /// For `per-mailbox`: the password reference, usually with placeholders (`file:secrets/{localpart}`).
    public var password: SecretReference?
    /// Separator between mailbox and admin for `master-user` (Dovecot's default is `*`).
    public var masterSeparator: String
    /// For `oauth2`: where the access tokens come from.
    public var oauth2: OAuth2Login?

    /// Creates login settings.
    public init(
        admin: Credential? = nil,
        style: Style,
        userFormat: String,
        password: SecretReference? = nil,
        masterSeparator: String,
        oauth2: OAuth2Login? = nil
    ) {
        self.admin = admin
        self.style = style
        self.userFormat = userFormat
        self.password = password
        self.masterSeparator = masterSeparator
        self.oauth2 = oauth2
    }
}

/// A user name with a secret: a password, or an OAuth 2 access token for XOAUTH2.
public struct Credential: Sendable, Hashable, Codable {
    /// The login name.
    public var user: String
    /// The password reference.
    public var password: SecretReference?
    /// An OAuth 2 bearer token reference (XOAUTH2), instead of a password.
    public var oauth2Token: SecretReference?

    /// Creates a credential.
    public init(user: String, password: SecretReference? = nil, oauth2Token: SecretReference? = nil) {
        self.user = user
        self.password = password
        self.oauth2Token = oauth2Token
    }
}

/// Commands that check for and create a mailbox on the target.
public struct Provisioning: Sendable, Hashable, Codable {
    /// Exits 0 when the mailbox exists; without it, mailmig tries to log in to find out.
    public var check: [String]?
    /// Creates the mailbox; placeholders `{source}`, `{target}`, `{domain}`, `{localpart}`.
    public var create: [String]

    /// Creates provisioning commands.
    public init(check: [String]? = nil, create: [String]) {
        self.check = check
        self.create = create
    }
}
