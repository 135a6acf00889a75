/// Collects the data of a multi-line answer (RFC 1939 §3): removes the byte-stuffed dot of lines
/// that start with `.`, stops at the terminating `.CRLF`, and keeps everything else byte for byte.
///
/// Lines are delimited by CRLF only: a bare LF (or CR) inside the data is data, kept as the server
/// sent it, and the byte after it does not start a line. What `bytes` holds is the message with its
/// CRLF line ends; the server has already added a final CRLF to a message that lacked one, so the
/// data of a non-empty answer always ends with CRLF.
struct MultiLineReader {
    /// The answer grew beyond the limit.
    struct TooLarge: Error {}

    /// The most bytes `bytes` may hold.
    let limit: Int
    /// The unstuffed data so far.
    private(set) var bytes: [UInt8] = []
    /// Whether the next segment starts a line (the data so far ends with CRLF, or is empty).
    private var atLineStart = true
    /// Whether the data so far ends with CR (a segment may end between CR and LF).
    private var endsWithCR = false
    /// Whether the terminator was seen.
    private(set) var isComplete = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Adds one segment (a line with its LF, or a slice of a longer line); true once the terminator arrived.
    mutating func add(_ segment: some BidirectionalCollection<UInt8>, endsLine: Bool) throws -> Bool {
        precondition(!isComplete, "data after the terminator")
        var data = segment[...]
        if atLineStart, data.first == UInt8(ascii: ".") {
            if endsLine, data.count == 3, data.dropFirst().elementsEqual([0x0D, 0x0A]) {
                isComplete = true
                return true
            }
            data = data.dropFirst()
        }
        guard bytes.count + data.count <= limit else { throw TooLarge() }
        let previousEndedWithCR = endsWithCR
        bytes.append(contentsOf: data)
        if let last = data.last {
            endsWithCR = last == 0x0D
            let before = data.count >= 2 ? data[data.index(data.endIndex, offsetBy: -2)] == 0x0D : previousEndedWithCR
            atLineStart = endsLine && last == 0x0A && before
        } else {
            // A segment that was only the stuffed dot of a line longer than the slice: the line goes on.
            atLineStart = false
        }
        return false
    }
}
