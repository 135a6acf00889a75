import NIOCore
import MailMigTLS

/// A piece of the server's byte stream: one line with its terminator, or a slice of a line longer
/// than the framer's limit.
struct POP3Segment: Sendable {
    /// The bytes, terminator included when `endsLine`.
    var bytes: ByteBuffer
    /// Whether the segment ends with LF; a slice of a longer line does not.
    var endsLine: Bool
}

/// Splits the inbound stream at LF into segments of at most `maximumLineLength` bytes.
///
/// The framer does not know whether a status line or message data is coming: a line longer than
/// the limit is passed on in slices, and the client decides (a status line that long is an error;
/// a long message line is just data). Memory stays bounded by the limit either way.
struct LineFramer: ByteToMessageDecoder {
    typealias InboundOut = POP3Segment

    let maximumLineLength: Int
    let startTLSGuard: StartTLSGuard?
    /// Bytes already searched for LF without finding one, so a long line costs linear time.
    private var scanned = 0

    init(maximumLineLength: Int, startTLSGuard: StartTLSGuard? = nil) {
        self.maximumLineLength = maximumLineLength
        self.startTLSGuard = startTLSGuard
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let startTLSGuard, startTLSGuard.holdsBack(pendingBytes: buffer.readableBytes) { return .needMoreData }
        let view = buffer.readableBytesView
        let searchEnd = view.startIndex + min(view.count, maximumLineLength)
        let length: Int
        let endsLine: Bool
        if let lineFeed = view[(view.startIndex + scanned)..<searchEnd].firstIndex(of: 0x0A) {
            length = lineFeed - view.startIndex + 1
            endsLine = true
        } else if view.count >= maximumLineLength {
            length = maximumLineLength
            endsLine = false
        } else {
            scanned = view.count
            return .needMoreData
        }
        scanned = 0
        let bytes = buffer.readSlice(length: length)!
        context.fireChannelRead(wrapInboundOut(POP3Segment(bytes: bytes, endsLine: endsLine)))
        // In POP3 every status line completes the command's answer, so the guard seals after the first one.
        if endsLine, let startTLSGuard, !startTLSGuard.frameDelivered(isTagged: true, pendingBytes: buffer.readableBytes) {
            return .needMoreData
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A connection closed in the middle of a line leaves nothing the client could use.
        .needMoreData
    }
}
