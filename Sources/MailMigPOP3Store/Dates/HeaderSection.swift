/// The header fields of a message (RFC 5322 §2.2), unfolded, in the order they appear.
///
/// Read from TOP's answer or from the start of a whole message, up to the first empty line. Line ends
/// may be CRLF or a bare LF; a line starting with a space or a tab continues the field before it
/// (§2.2.3); a line without a colon that continues nothing (an mbox `From ` line) is passed over.
/// Bytes that are not UTF-8 are read as replacement characters: the fields this is used for are ASCII.
struct HeaderSection {
    /// Field names as written, values unfolded (the line breaks of folding removed, the white space kept).
    private(set) var fields: [(name: String, value: String)] = []

    /// The fields of the header section at the start of `bytes`.
    init(_ bytes: [UInt8]) {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            start = end + 1
            if line.isEmpty { break }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                if !fields.isEmpty { fields[fields.count - 1].value += String(decoding: line, as: UTF8.self) }
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            // Obsolete syntax allows white space before the colon (RFC 5322 §4.5).
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmingWhitespace
            guard !name.isEmpty else { continue }
            fields.append((name, String(decoding: line[(colon + 1)...], as: UTF8.self)))
        }
    }

    /// The value of the first field named `name` (in any case); nil when there is none.
    func first(_ name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }
}

extension String {
    /// The text without the spaces and tabs around it.
    var trimmingWhitespace: String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}
