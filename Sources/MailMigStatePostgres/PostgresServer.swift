import Foundation
import MailMigCore
import NIOCore
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL state lives: the server, the login and the database a connection URL names.
///
/// The password is kept only to log in: `address` and every message name the server as
/// `host:port/database`, never with the login.
struct PostgresServer: Sendable, CustomStringConvertible {
    /// The host name or address (an IPv6 address without brackets).
    var host: String
    /// The TCP port.
    var port: Int
    /// The role to log in as.
    var user: String
    /// Its password; nil when the server asks for none.
    var password: String?
    /// The database.
    var database: String
    /// How long one connection attempt may take, in seconds.
    var connectTimeout: Int
    /// How long the server may leave a statement unanswered, in seconds, before the connection counts
    /// as lost (`answer_timeout`; see `PostgresSession`).
    var answerTimeout: Int
    /// Whether the connection uses TLS (`sslmode`).
    var tls: TLSUse = .prefer
    /// CA certificates (PEM) to trust instead of the system's (`sslrootcert`).
    var rootCertificates: String?

    /// `sslmode` as mailmig reads it. Whenever TLS is used, the server's certificate chain and name are
    /// verified (stricter than libpq's `require`, which checks neither).
    enum TLSUse: String, Sendable {
        /// `disable`: never (the URL says so explicitly).
        case disable
        /// `allow`, `prefer` (the default): when the server offers it.
        case prefer
        /// `require`, `verify-ca`, `verify-full`: always; a server without TLS is refused.
        case require
    }

    /// `host:port/database`, as messages name the server.
    var address: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(shownHost):\(port)/\(database)"
    }

    /// The address, never the password.
    var description: String { address }

    /// Reads `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=PATH&connect_timeout=S&answer_timeout=S]`.
    ///
    /// Throws `StateError.unreadable` naming what is wrong, without repeating the URL (it holds the
    /// password). `sslmode` and `sslrootcert` choose TLS as libpq's do, except that a certificate is
    /// always verified, chain and host name, whenever TLS is used.
    init(url text: String) throws(StateError) {
        func refuse(_ reason: String) -> StateError {
            .unreadable(path: "named by the PostgreSQL URL", reason: reason)
        }
        let shape = "it must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)) else {
            throw refuse("the URL cannot be read; \(shape)")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw refuse("the URL must start with postgres:// or postgresql://")
        }
        guard var host = components.host, !host.isEmpty else { throw refuse("the URL names no host; \(shape)") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let user = components.user, !user.isEmpty else { throw refuse("the URL names no user; \(shape)") }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else { throw refuse("the URL names no database; \(shape)") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw refuse("the port must be a number from 1 to 65535") }

        var connectTimeout = 10
        var answerTimeout = 60
        var tls = TLSUse.prefer
        var rootCertificates: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw refuse("sslmode must be disable, allow, prefer, require, verify-ca or verify-full")
                }
            case "sslrootcert":
                guard let path = item.value, !path.isEmpty else { throw refuse("sslrootcert must name a file of CA certificates (PEM)") }
                rootCertificates = path
            case "connect_timeout":
                guard let seconds = item.value.flatMap(Int.init), seconds > 0 else {
                    throw refuse("connect_timeout must be a whole number of seconds above 0")
                }
                connectTimeout = seconds
            case "answer_timeout":
                guard let seconds = item.value.flatMap(Int.init), (1...3_600).contains(seconds) else {
                    throw refuse("answer_timeout must be a whole number of seconds from 1 to 3600")
                }
                answerTimeout = seconds
            default:
                throw refuse("the URL parameter '\(item.name)' is not known; only sslmode, sslrootcert, connect_timeout and answer_timeout are")
            }
        }

        self.host = host
        self.port = port
        self.user = user
        self.password = components.password
        self.database = database
        self.connectTimeout = connectTimeout
        self.answerTimeout = answerTimeout
        self.tls = tls
        self.rootCertificates = rootCertificates
    }

    /// The TLS context: the system's roots or `sslrootcert`'s, the chain and the host name verified.
    func tlsSetting() throws -> PostgresConnection.Configuration.TLS {
        guard tls != .disable else { return .disable }
        var settings = TLSConfiguration.makeClientConfiguration()
        settings.certificateVerification = .fullVerification
        if let rootCertificates { settings.trustRoots = .file(rootCertificates) }
        let context = try NIOSSLContext(configuration: settings)
        return tls == .require ? .require(context) : .prefer(context)
    }

    /// The settings of a connection whose unqualified table names are those of `schema`.
    func configuration(schema: String) throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: try tlsSetting())
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        // Sent with the login, so no query is needed to set them. The keepalives make the server notice
        // within about two minutes a client whose machine vanished without closing its connection, and
        // so end its session and release the plan lock it held. The application name carries the
        // schema so that an administrator (or a test) can tell in pg_stat_activity which plan's state a
        // session serves; the server cuts it at 63 bytes.
        configuration.options.additionalStartupParameters = [
            ("application_name", "mailmig \(schema)"),
            ("search_path", PostgresSchema.quoted(schema)),
            ("tcp_keepalives_idle", "60"),
            ("tcp_keepalives_interval", "10"),
            ("tcp_keepalives_count", "6"),
        ]
        return configuration
    }
}
