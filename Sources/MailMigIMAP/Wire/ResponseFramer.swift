import NIOCore
import MailMigSpool
import MailMigTLS

/// Splits the inbound byte stream into complete responses (a line and its literals) and parses them.
///
/// Every length from the server is checked before a byte of what it announces is kept: a line may not
/// exceed `maximumLineLength`, a literal `maximumLiteralSize`, and one response (its lines and
/// literals together) `maximumResponseSize`. Inside a FETCH response, a literal longer than the body
/// limit in force (`BodyLiteralLimit`) is not kept at all: its bytes are dropped as they arrive, and
/// the frame records it as omitted with its announced length. A FETCH literal longer than the spool
/// threshold is written to a `SpoolFile` as it arrives instead of being kept, so a large message never
/// sits whole in memory; it counts towards no response limit. Scanning resumes where it stopped, so a
/// large literal arriving in many reads costs linear time.
struct ResponseFramer: ByteToMessageDecoder {
    typealias InboundOut = FramedResponse

    let maximumLineLength: Int
    let maximumLiteralSize: Int
    let maximumResponseSize: Int
    let startTLSGuard: StartTLSGuard?
    let bodyLimit: BodyLiteralLimit?
    let counter: ByteCounter?
    /// FETCH literals longer than this many bytes go to a spool file; nil keeps every literal in memory.
    let spoolThreshold: Int?
    /// Where spool files are created; nil for `SpoolFile.defaultDirectory`.
    let spoolDirectory: String?
    /// Offset (from the reader index) up to which the current frame is known to be complete.
    private var scanned = 0
    /// Offset where the current line (after the last literal) started.
    private var lineStart = 0
    /// The start of the current frame, already taken out of the buffer because a literal after it is skipped.
    private var held: ByteBuffer?
    /// Bytes of an omitted literal still to drop.
    private var skipping = 0
    /// The current frame's omitted literals: offset where the data would start, and the length announced.
    private var omitted: [Int: Int] = [:]
    /// The spool file the literal being read goes to, and its bytes still to come.
    private var spooling: (file: SpoolFile, remaining: Int)?
    /// The current frame's spooled literals, by the offset where the data would start.
    private var spooled: [Int: SpoolFile] = [:]
    /// Offsets of the literal being read: where it ends, and up to where its bytes were counted as progress.
    private var literalEnd = 0
    private var literalCounted = 0

    init(maximumLineLength: Int = 8 * 1024 * 1024, maximumLiteralSize: Int = 1 << 30,
         maximumResponseSize: Int = IMAPConfiguration.defaultMaximumResponseSize,
         startTLSGuard: StartTLSGuard? = nil, bodyLimit: BodyLiteralLimit? = nil, counter: ByteCounter? = nil,
         spoolThreshold: Int? = nil, spoolDirectory: String? = nil) {
        self.maximumLineLength = maximumLineLength
        self.maximumLiteralSize = maximumLiteralSize
        self.maximumResponseSize = maximumResponseSize
        self.startTLSGuard = startTLSGuard
        self.bodyLimit = bodyLimit
        self.counter = counter
        self.spoolThreshold = spoolThreshold
        self.spoolDirectory = spoolDirectory
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let startTLSGuard, startTLSGuard.holdsBack(pendingBytes: buffer.readableBytes) { return .needMoreData }
        guard let frame = try nextFrame(&buffer) else { return .needMoreData }
        let first = frame.bytes.readableBytesView.first
        let isTagged = first != UInt8(ascii: "*") && first != UInt8(ascii: "+")
        context.fireChannelRead(wrapInboundOut(FramedResponse(response: ResponseParser.parse(frame), size: frame.bytes.readableBytes)))
        if let startTLSGuard, !startTLSGuard.frameDelivered(isTagged: isTagged, pendingBytes: buffer.readableBytes) {
            return .needMoreData
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// The most one response may hold: the configured cap, raised while a body limit is in force so
    /// that a response carrying the largest allowed body twice (BODY[] and BINARY[]) still fits.
    var responseLimit: Int { bodyLimit?.responseLimit(cap: maximumResponseSize) ?? maximumResponseSize }

    /// The next complete frame, or nil if more bytes are needed.
    mutating func nextFrame(_ buffer: inout ByteBuffer) throws -> ResponseFrame? {
        while true {
            if skipping > 0 {
                let dropped = min(skipping, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: dropped)
                counter?.countLiteral(dropped)
                skipping -= dropped
                guard skipping == 0 else { return nil }
            }
            if let current = spooling {
                // Written as it arrives; the buffer keeps none of it.
                let taken = min(current.remaining, buffer.readableBytes)
                try buffer.readSlice(length: taken)!.withUnsafeReadableBytes { try current.file.append($0) }
                counter?.countLiteral(taken)
                guard current.remaining == taken else {
                    spooling = (current.file, current.remaining - taken)
                    return nil
                }
                spooling = nil
            }
            countLiteralProgress(buffer)
            guard scanned <= buffer.readableBytes else { return nil }  // still inside a literal
            let heldBytes = held?.readableBytes ?? 0
            let view = buffer.readableBytesView
            let from = view.startIndex + scanned
            guard let newline = view[from...].firstIndex(of: 0x0A) else {
                if buffer.readableBytes - lineStart > maximumLineLength {
                    throw IMAPFramingError.lineTooLong(limit: maximumLineLength)
                }
                if heldBytes + buffer.readableBytes > responseLimit { throw IMAPFramingError.responseTooLarge(limit: responseLimit) }
                scanned = buffer.readableBytes
                return nil
            }
            let lineEnd = newline - view.startIndex
            if lineEnd - lineStart > maximumLineLength {
                throw IMAPFramingError.lineTooLong(limit: maximumLineLength)
            }
            if let length = try literalLength(view, lineStartOffset: lineStart, newlineOffset: lineEnd) {
                if omits(length, buffer) {
                    skip(length, dataStart: lineEnd + 1, buffer: &buffer)
                    continue
                }
                guard length <= max(maximumLiteralSize, bodyLimit?.current ?? 0) else {
                    throw IMAPFramingError.literalTooLarge(limit: maximumLiteralSize)
                }
                if spools(length, buffer), Self.announcesMessageSection(view, lineStartOffset: lineStart, newlineOffset: lineEnd) {
                    try spool(length, dataStart: lineEnd + 1, buffer: &buffer)
                    continue
                }
                let (next, overflow) = (lineEnd + 1).addingReportingOverflow(length)
                guard !overflow, heldBytes + next <= responseLimit else { throw IMAPFramingError.responseTooLarge(limit: responseLimit) }
                literalCounted = lineEnd + 1
                literalEnd = next
                scanned = next
                lineStart = next
                continue
            }
            if heldBytes + lineEnd + 1 > responseLimit { throw IMAPFramingError.responseTooLarge(limit: responseLimit) }
            var frame = ResponseFrame(bytes: buffer.readSlice(length: lineEnd + 1)!, omittedLiterals: omitted, spooledLiterals: spooled)
            if var start = held {
                start.writeBuffer(&frame.bytes)
                frame.bytes = start
            }
            scanned = 0
            lineStart = 0
            literalEnd = 0
            literalCounted = 0
            held = nil
            omitted = [:]
            spooled = [:]
            return frame
        }
    }

    /// Counts the bytes of the literal being read that arrived since the last call, so a long literal
    /// is progress while it arrives, not only once its response is complete.
    private mutating func countLiteralProgress(_ buffer: ByteBuffer) {
        let upTo = min(buffer.readableBytes, literalEnd)
        guard upTo > literalCounted else { return }
        counter?.countLiteral(upTo - literalCounted)
        literalCounted = upTo
    }

    /// Whether a literal of `length` is to be skipped: a body limit is in force, the literal exceeds
    /// it, and the frame is a FETCH response (the only place a message body travels).
    private func omits(_ length: Int, _ buffer: ByteBuffer) -> Bool {
        guard let limit = bodyLimit?.current, length > limit else { return false }
        return Self.isFetchResponse((held ?? buffer).readableBytesView)
    }

    /// Whether the literal announced at the end of the line is the value of a message section
    /// (`BODY[...]`, `BINARY[...]`, `RFC822`): only those are spooled; any other literal stays bound by
    /// the response limit, so a broken server cannot fill the disk with literals nobody asked for.
    static func announcesMessageSection(_ view: ByteBufferView, lineStartOffset: Int, newlineOffset: Int) -> Bool {
        let start = view.startIndex + lineStartOffset
        var index = view.startIndex + newlineOffset - 1
        if index >= start, view[index] == 0x0D { index -= 1 }
        // Back over `{n}` / `{n+}` / `~{n}` to the space before it.
        while index >= start, view[index] != UInt8(ascii: "{") { index -= 1 }
        index -= 1
        if index >= start, view[index] == UInt8(ascii: "~") { index -= 1 }
        guard index >= start, view[index] == UInt8(ascii: " ") else { return false }
        let end = index
        while index > start, view[index - 1] != UInt8(ascii: " "), view[index - 1] != UInt8(ascii: "(") { index -= 1 }
        let name = String(decoding: view[index..<end], as: UTF8.self).uppercased()
        return name.hasPrefix("BODY[") || name.hasPrefix("BINARY[") || name == "RFC822"
    }

    /// Whether a literal of `length` goes to a spool file: a threshold is set, the literal exceeds it,
    /// and the frame is a FETCH response.
    private func spools(_ length: Int, _ buffer: ByteBuffer) -> Bool {
        guard let spoolThreshold, length > spoolThreshold else { return false }
        return Self.isFetchResponse((held ?? buffer).readableBytesView)
    }

    /// Moves the frame so far out of the buffer and starts dropping the literal's bytes.
    private mutating func skip(_ length: Int, dataStart: Int, buffer: inout ByteBuffer) {
        omitted[holdFrame(upTo: dataStart, buffer: &buffer)] = length
        skipping = length
    }

    /// Moves the frame so far out of the buffer and starts writing the literal's bytes to a spool file.
    private mutating func spool(_ length: Int, dataStart: Int, buffer: inout ByteBuffer) throws {
        let file = try SpoolFile(directory: spoolDirectory)
        spooled[holdFrame(upTo: dataStart, buffer: &buffer)] = file
        spooling = (file, length)
    }

    /// Moves the frame up to `dataStart` (where a literal left out of it begins) into `held`; returns
    /// the literal's offset in the frame.
    private mutating func holdFrame(upTo dataStart: Int, buffer: inout ByteBuffer) -> Int {
        var start = held ?? ByteBuffer()
        var line = buffer.readSlice(length: dataStart)!
        start.writeBuffer(&line)
        held = start
        scanned = 0
        lineStart = 0
        literalEnd = 0
        literalCounted = 0
        return start.readableBytes
    }

    /// Whether the bytes start with `* <number> FETCH ` (case-insensitive).
    static func isFetchResponse(_ view: ByteBufferView) -> Bool {
        var index = view.startIndex
        func next() -> UInt8? {
            guard index < view.endIndex else { return nil }
            defer { index += 1 }
            return view[index]
        }
        guard next() == UInt8(ascii: "*"), next() == UInt8(ascii: " ") else { return false }
        var digits = 0
        var byte = next()
        while let digit = byte, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") {
            digits += 1
            byte = next()
        }
        guard digits > 0, byte == UInt8(ascii: " ") else { return false }
        for expected in "FETCH ".utf8 {
            guard let actual = next(), actual == expected || (expected != 0x20 && actual | 0x20 == expected | 0x20) else { return false }
        }
        return true
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
        return value
    }
}

/// A parsed response and the bytes it took in memory, so whoever keeps responses can bound what it keeps.
struct FramedResponse: Sendable {
    let response: IMAPResponse
    /// Bytes of the frame (omitted literals not counted).
    let size: Int
}

/// One framed response: its bytes, and the literals left out of them.
struct ResponseFrame {
    /// The line(s) and the literals kept, ending in CRLF.
    var bytes: ByteBuffer
    /// Literals skipped for exceeding the body limit: offset (from the frame's start) where the data
    /// would begin, and the length the server announced.
    var omittedLiterals: [Int: Int] = [:]
    /// Literals written to spool files: offset (from the frame's start) where the data would begin.
    var spooledLiterals: [Int: SpoolFile] = [:]
}

/// The inbound stream broke the framing limits; the connection cannot continue.
enum IMAPFramingError: Error, Sendable, Equatable, CustomStringConvertible {
    case lineTooLong(limit: Int)
    case literalTooLarge(limit: Int)
    case responseTooLarge(limit: Int)

    var description: String {
        switch self {
        case .lineTooLong(let limit): return "a response line exceeded \(limit) bytes"
        case .literalTooLarge(let limit): return "a literal exceeded \(limit) bytes"
        case .responseTooLarge(let limit):
            return "a response exceeded \(limit) bytes (maximumResponseSize), so the connection was closed instead of buffering more"
        }
    }
}
