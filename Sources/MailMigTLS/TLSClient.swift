import NIOCore
import NIOSSL

/// The client side of TLS as every mail protocol library sets it up: a context from a trust
/// setting, and a handler that names the host it expects.
public enum TLSClient {
    /// The TLS context for a trust setting; fails early on an unreadable CA file.
    public static func makeContext(trust: TLSTrust) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch trust {
        case .systemRoots:
            tls.trustRoots = .default
        case .caFile(let path):
            tls.trustRoots = .file(path)
        case .doNotVerify:
            tls.certificateVerification = .none
        }
        return try NIOSSLContext(configuration: tls)
    }

    /// A client handler for `host` (a name or an IP address).
    public static func makeHandler(_ context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        // SNI may not carry an IP address; NIOSSL then checks the certificate against the IP itself.
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
    }
}
