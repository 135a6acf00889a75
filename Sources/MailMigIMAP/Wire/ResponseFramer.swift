import NIOCore
import MailMigTLS

/// Splits the inbound byte stream into complete responses (a line and its literals) and parses them.
///
/// Literal lengths come from the server and are checked against `maximumLiteralSize`; a line without
/// literals may not exceed `maximumLineLength`. Scanning resumes where it stopped, so a large literal
/// arriving in many reads costs linear time.
struct ResponseFramer: ByteToMessageDecoder {
    typealias InboundOut = IMAPResponse

    let maximumLineLength: Int
    let maximumLiteralSize: Int
    let startTLSGuard: StartTLSGuard?
    /// Offset (from the reader index) up to which the current frame is known to be complete.
    private var scanned = 0
    /// Offset where the current line (after the last literal) started.
    private var lineStart = 0

    init(maximumLineLength: Int = 8 * 1024 * 1024, maximumLiteralSize: Int = 1 << 30, startTLSGuard: StartTLSGuard? = nil) {
        self.maximumLineLength = maximumLineLength
        self.maximumLiteralSize = maximumLiteralSize
        self.startTLSGuard = startTLSGuard
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let startTLSGuard, startTLSGuard.holdsBack(pendingBytes: buffer.readableBytes) { return .needMoreData }
        guard let frame = try nextFrame(&buffer) else { return .needMoreData }
        let first = frame.readableBytesView.first
        let isTagged = first != UInt8(ascii: "*") && first != UInt8(ascii: "+")
        context.fireChannelRead(wrapInboundOut(ResponseParser.parse(frame)))
        if let startTLSGuard, !startTLSGuard.frameDelivered(isTagged: isTagged, pendingBytes: buffer.readableBytes) {
            return .needMoreData
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// The next complete frame, or nil if more bytes are needed.
    mutating func nextFrame(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        while true {
            guard scanned <= buffer.readableBytes else { return nil }  // still inside a literal
            let view = buffer.readableBytesView
            let from = view.startIndex + scanned
            guard let newline = view[from...].firstIndex(of: 0x0A) else {
                if buffer.readableBytes - lineStart > maximumLineLength {
                    throw IMAPFramingError.lineTooLong(limit: maximumLineLength)
                }
                scanned = buffer.readableBytes
                return nil
            }
            let lineEnd = newline - view.startIndex
            if lineEnd - lineStart > maximumLineLength {
                throw IMAPFramingError.lineTooLong(limit: maximumLineLength)
            }
            if let length = try literalLength(view, lineStartOffset: lineStart, newlineOffset: lineEnd) {
                let (next, overflow) = (lineEnd + 1).addingReportingOverflow(length)
                guard !overflow else { throw IMAPFramingError.literalTooLarge(limit: maximumLiteralSize) }
                scanned = next
                lineStart = next
                continue
            }
            let frame = buffer.readSlice(length: lineEnd + 1)
            scanned = 0
            lineStart = 0
            return frame
        }
    }

    /// The length of a literal announced at the end of the line (`{n}`, `{n+}`, `~{n}`), if any.
    private func literalLength(_ view: ByteBufferView, lineStartOffset: Int, newlineOffset: Int) throws -> Int? {
        var end = view.startIndex + newlineOffset
        let start = view.startIndex + lineStartOffset
        if end > start, view[end - 1] == 0x0D { end -= 1 }
        guard end > start, view[end - 1] == UInt8(ascii: "}") else { return nil }
        var index = end - 2
        if index >= start, view[index] == UInt8(ascii: "+") { index -= 1 }
        var value = 0
        var multiplier = 1
        var digits = 0
        while index >= start, let digit = Optional(view[index]), digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") {
            digits += 1
            guard digits <= 12 else { throw IMAPFramingError.literalTooLarge(limit: maximumLiteralSize) }
            value += Int(digit - UInt8(ascii: "0")) * multiplier
            multiplier *= 10
            index -= 1
        }
        guard digits > 0, index >= start, view[index] == UInt8(ascii: "{") else { return nil }
        guard value <= maximumLiteralSize else { throw IMAPFramingError.literalTooLarge(limit: maximumLiteralSize) }
        return value
    }
}

/// The inbound stream broke the framing limits; the connection cannot continue.
enum IMAPFramingError: Error, Sendable, CustomStringConvertible {
    case lineTooLong(limit: Int)
    case literalTooLarge(limit: Int)

    var description: String {
        switch self {
        case .lineTooLong(let limit): return "a response line exceeded \(limit) bytes"
        case .literalTooLarge(let limit): return "a literal exceeded \(limit) bytes"
        }
    }
}
