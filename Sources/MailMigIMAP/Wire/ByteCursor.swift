import MailMigSpool
import NIOCore

/// A bounds-checked reading position over one framed response; every read can fail, none can trap.
struct ByteCursor {
    let bytes: ByteBufferView
    private(set) var position: Int
    /// Literals the framer left out: offset (from the start) where the data would begin, and the length announced.
    let omittedLiterals: [Int: Int]
    /// Literals the framer wrote to spool files, by the offset (from the start) where the data would begin.
    let spooledLiterals: [Int: SpoolFile]

    init(_ buffer: ByteBuffer, omittedLiterals: [Int: Int] = [:], spooledLiterals: [Int: SpoolFile] = [:]) {
        bytes = buffer.readableBytesView
        position = bytes.startIndex
        self.omittedLiterals = omittedLiterals
        self.spooledLiterals = spooledLiterals
    }

    var isAtEnd: Bool { position >= bytes.endIndex || isAtLineEnd }

    /// True at the final CRLF (or a bare LF some servers send).
    var isAtLineEnd: Bool {
        guard let byte = peek() else { return true }
        if byte == 0x0A { return true }
        return byte == 0x0D && peek(offset: 1) == 0x0A && position + 2 == bytes.endIndex
    }

    func peek(offset: Int = 0) -> UInt8? {
        let index = position + offset
        guard index >= bytes.startIndex, index < bytes.endIndex else { return nil }
        return bytes[index]
    }

    mutating func advance(_ count: Int = 1) { position = min(position + count, bytes.endIndex) }

    mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else {
            throw ParseError("expected '\(Character(Unicode.Scalar(byte)))' at offset \(position - bytes.startIndex)")
        }
        advance()
    }

    /// Consumes `byte` if it is next.
    mutating func accept(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        advance()
        return true
    }

    /// Consumes one or more spaces; servers occasionally double them.
    mutating func space() throws {
        guard peek() == 0x20 else { throw ParseError("expected a space at offset \(position - bytes.startIndex)") }
        while peek() == 0x20 { advance() }
    }

    mutating func skipSpaces() { while peek() == 0x20 { advance() } }

    /// Reads bytes while `predicate` holds, stopping at line end.
    mutating func take(while predicate: (UInt8) -> Bool) -> [UInt8] {
        let start = position
        while let byte = peek(), !isAtLineEnd, predicate(byte) { advance() }
        return Array(bytes[start..<position])
    }

    /// The rest of the line (without CRLF) as text.
    mutating func restOfLine() -> String {
        let start = position
        while !isAtLineEnd { advance() }
        var end = position
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Text between two positions, for keeping unknown items verbatim.
    func text(from start: Int, to end: Int) -> String {
        let low = max(bytes.startIndex, min(start, end))
        let high = min(bytes.endIndex, max(start, end))
        return String(decoding: bytes[low..<high], as: UTF8.self)
    }

    /// A copy of `count` bytes, bounds-checked.
    mutating func takeBytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.endIndex - position else {
            throw ParseError("literal of \(count) bytes runs past the end of the response")
        }
        let out = Array(bytes[position..<(position + count)])
        position += count
        return out
    }
}
