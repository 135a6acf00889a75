import Foundation

/// One content line of a vCard (RFC 6350 §3.3) or iCalendar object (RFC 5545 §3.1), unfolded:
/// `NAME;PARAM=VALUE:value`.
public struct ContentLine: Sendable, Equatable {
    /// The property or `BEGIN`/`END`, as written (group prefix included, `item1.EMAIL`).
    public var name: String
    /// The parameters as written, each `NAME=VALUE` (the value may be quoted or a list).
    public var parameters: [String]
    /// The value, still escaped as the format escapes it.
    public var value: String
    /// The line's bytes as they were in the item, folding and line ending included, so an unchanged
    /// line is written back as it came.
    public var raw: Data

    /// The property name in upper case without its group (`EMAIL` for `item1.email`).
    public var property: String {
        let upper = name.uppercased()
        if let dot = upper.lastIndex(of: ".") { return String(upper[upper.index(after: dot)...]) }
        return upper
    }

    /// The unfolded line as text.
    public var text: String {
        ([name] + parameters).joined(separator: ";") + ":" + value
    }
}

/// Reads and writes vCard and iCalendar items line by line: unfolding, parameters, and the few
/// properties mailmig looks at (UID, the component kind, ORGANIZER/ATTENDEE). Items move whole;
/// only lines mailmig must change are written anew.
public enum ContentLines {
    /// The item's content lines; a line without `:` is kept with an empty value.
    public static func parse(_ data: Data) -> [ContentLine] {
        let text = String(decoding: data, as: UTF8.self)
        var lines: [ContentLine] = []
        var start = text.startIndex
        var index = text.startIndex
        var logical = ""
        func finish(upTo end: String.Index) {
            defer { logical = "" }
            guard !logical.isEmpty || start < end else { return }
            let raw = text[start..<end]
            if logical.trimmingCharacters(in: .whitespaces).isEmpty { return }
            lines.append(split(logical, raw: Data(raw.utf8)))
        }
        while index < text.endIndex {
            let character = text[index]
            if character == "\r\n" || character == "\n" || character == "\r" {
                let next = text.index(after: index)
                if next < text.endIndex, text[next] == " " || text[next] == "\t" {
                    // A fold: the break and one space or tab vanish (RFC 5545 §3.1).
                    index = text.index(after: next)
                    continue
                }
                finish(upTo: next)
                start = next
                index = next
                continue
            }
            logical.append(character)
            index = text.index(after: index)
        }
        finish(upTo: text.endIndex)
        return lines
    }

    /// Splits an unfolded line at its first unquoted `:`, and its name and parameters at unquoted `;`.
    static func split(_ line: String, raw: Data) -> ContentLine {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var value = ""
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "\"" { quoted.toggle() }
            if !quoted, character == ";" {
                fields.append(current)
                current = ""
            } else if !quoted, character == ":" {
                value = String(line[line.index(after: index)...])
                fields.append(current)
                current = ""
                break
            } else {
                current.append(character)
            }
            index = line.index(after: index)
        }
        if index == line.endIndex { fields.append(current) }
        return ContentLine(name: fields.first ?? "", parameters: Array(fields.dropFirst()), value: value, raw: raw)
    }

    /// The item's UID: the first `UID` of the vCard, or of the iCalendar object's first component
    /// that is not a time zone; nil when it has none.
    public static func uid(of lines: [ContentLine]) -> String? {
        var depth: [String] = []
        for line in lines {
            switch line.property {
            case "BEGIN": depth.append(line.value.uppercased())
            case "END": _ = depth.popLast()
            case "UID" where !depth.contains("VTIMEZONE") && !depth.contains("VALARM"):
                let value = line.value.trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            default: break
            }
        }
        return nil
    }

    /// What the item is: `VCARD`, or the iCalendar component it holds (`VEVENT`, `VTODO`,
    /// `VJOURNAL`); nil when it is neither.
    public static func component(of lines: [ContentLine]) -> String? {
        // Only a component directly inside VCALENDAR counts: a VTIMEZONE's STANDARD and DAYLIGHT, and
        // an event's VALARM, are parts of another.
        var depth: [String] = []
        for line in lines {
            let name = line.value.uppercased().trimmingCharacters(in: .whitespaces)
            switch line.property {
            case "BEGIN":
                if name == "VCARD", depth.isEmpty { return name }
                if depth == ["VCALENDAR"], name != "VTIMEZONE" { return name }
                depth.append(name)
            case "END":
                _ = depth.popLast()
            default:
                break
            }
        }
        return nil
    }

    /// Writes lines back: unchanged lines as their raw bytes, changed ones (`raw` empty) unfolded text
    /// folded at 75 octets with CRLF (RFC 5545 §3.1, RFC 6350 §3.2).
    public static func serialize(_ lines: [ContentLine]) -> Data {
        var out = Data()
        for line in lines {
            if !line.raw.isEmpty {
                out.append(contentsOf: line.raw)
                if line.raw.last != UInt8(ascii: "\n") { out.append(contentsOf: [13, 10]) }
            } else {
                out.append(fold(line.text))
            }
        }
        return out
    }

    /// A line folded so that no physical line exceeds 75 octets, never inside a UTF-8 sequence.
    static func fold(_ text: String) -> Data {
        var out = Data()
        var width = 0
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if width + bytes.count > 75 {
                out.append(contentsOf: [13, 10, 32])
                width = 1
            }
            out.append(contentsOf: bytes)
            width += bytes.count
        }
        out.append(contentsOf: [13, 10])
        return out
    }
}
