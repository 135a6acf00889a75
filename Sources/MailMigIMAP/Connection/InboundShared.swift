import MailMigTLS

/// What the client shares with the handlers of its connection.
struct InboundShared: Sendable {
    /// Holds reading back after STARTTLS's answer until TLS is in place; nil unless the mode is STARTTLS.
    let startTLSGuard: StartTLSGuard?
    /// Bytes read, literal bytes read and when the last byte came.
    let counter = ByteCounter()
    /// The body literal limit of the FETCHes in flight.
    let bodyLimit = BodyLiteralLimit()
    /// The bytes written and not yet sent, which a writer of large literals waits on.
    let outbound = OutboundWindow()

    init(startTLS: Bool = false) {
        startTLSGuard = startTLS ? StartTLSGuard() : nil
    }
}
