import NIOCore
import NIOPosix
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

    /// Opens a TCP connection with TLS from the first byte when `implicitTLS` is given, then lets
    /// `wrap` install the protocol's handlers on the channel's event loop.
    public static func connect<Wrapped: Sendable>(
        host: String, port: Int, connectTimeout: Double, implicitTLS trust: TLSTrust?,
        wrap: @escaping @Sendable (Channel) throws -> Wrapped
    ) async throws -> Wrapped {
        let context = try trust.map { try makeContext(trust: $0) }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(connectTimeout * 1000)))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
        return try await bootstrap.connect(host: host, port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                if let context { try channel.pipeline.syncOperations.addHandler(makeHandler(context, host: host)) }
                return try wrap(channel)
            }
        }
    }

    /// Puts TLS in front of a connection whose server agreed to STARTTLS or STLS, and lets the
    /// framer read again; true when plaintext followed the server's answer (possible injection).
    public static func upgrade(_ channel: Channel, context: NIOSSLContext, host: String, guard startTLSGuard: StartTLSGuard?) async throws -> Bool {
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(makeHandler(context, host: host), position: .first)
            return startTLSGuard?.release() ?? false
        }.get()
    }
}
