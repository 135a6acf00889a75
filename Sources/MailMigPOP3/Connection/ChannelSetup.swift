import NIOCore
import MailMigTLS

/// Opens TCP (and TLS) connections and installs the line framer.
enum ChannelSetup {
    typealias AsyncChannel = NIOAsyncChannel<POP3Segment, ByteBuffer>

    /// Adds the framer and wraps the channel for async use; must run on the channel's event loop.
    static func wrapSynchronously(
        _ channel: Channel, configuration: POP3Configuration, startTLSGuard: StartTLSGuard? = nil
    ) throws -> AsyncChannel {
        let framer = LineFramer(maximumLineLength: configuration.maximumLineLength, startTLSGuard: startTLSGuard)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(framer))
        // A few segments of at most maximumLineLength bytes wait for the client; then reading pauses.
        return try AsyncChannel(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16))
        )
    }

    /// Connects over TCP, with TLS from the start when the mode is implicit.
    static func connect(_ configuration: POP3Configuration, startTLSGuard: StartTLSGuard?) async throws -> AsyncChannel {
        try await TLSClient.connect(host: configuration.host, port: configuration.port, connectTimeout: configuration.connectTimeout,
                                    implicitTLS: configuration.tls == .implicit ? configuration.trust : nil) { channel in
            try wrapSynchronously(channel, configuration: configuration, startTLSGuard: startTLSGuard)
        }
    }
}
