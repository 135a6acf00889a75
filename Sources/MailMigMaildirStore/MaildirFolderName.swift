import MailMigCore

/// Plan-form folder paths and the Maildir++ directory names that hold them.
///
/// INBOX is the mailbox's root; any other folder is one directory at the root named `.` plus its
/// levels joined by `.`: `Projects/2024` is `.Projects.2024`, `INBOX/Sub` is `.INBOX.Sub`. Inside a
/// level, the bytes of `.` (the on-disk separator), `/` (which no file name can hold), `%` (the escape
/// itself) and the control characters are written `%` and two lower-case hex digits; every other
/// character is kept as its UTF-8 bytes. So `a.b/c%d` is `.a%2eb.c%25d`, and each path comes back
/// exactly, code point for code point.
enum MaildirFolderName {
    /// The longest directory name most file systems take, in bytes.
    static let longestName = 255

    /// The directory, relative to the root, of the folder at `path`: "" for INBOX. Throws a failure
    /// naming the path when it has an empty level or is too long to be a file name.
    static func directory(for path: String) throws -> String {
        if path == "INBOX" { return "" }
        let levels = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !levels.contains(where: \.isEmpty) else {
            throw MailStoreError(.failed, "the folder path '\(path)' has an empty level, which a Maildir++ folder name cannot hold")
        }
        let name = "." + levels.map { escape(String($0)) }.joined(separator: ".")
        guard name.utf8.count <= longestName else {
            throw MailStoreError(.failed, "the folder path '\(path)' makes a Maildir++ directory name of \(name.utf8.count) bytes; "
                                 + "file systems take at most \(longestName)")
        }
        return name
    }

    /// The levels of the folder a root-level directory holds; nil for a name that is not a folder's
    /// (no leading `.`, or `.` and `..`).
    static func levels(ofDirectory name: String) -> [String]? {
        guard name.hasPrefix("."), name != ".", name != ".." else { return nil }
        return name.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(unescape)
    }

    /// One level with its unsafe bytes escaped.
    static func escape(_ level: String) -> String {
        var bytes: [UInt8] = []
        for byte in level.utf8 {
            if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "%") {
                bytes += Array("%".utf8) + hex(byte)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One level of a directory name with its escapes undone; a `%` not followed by two hex digits is
    /// kept as it is (a folder another program created may hold one).
    static func unescape(_ part: Substring) -> String {
        let bytes = Array(part.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = digit(bytes[index + 1]), let low = digit(bytes[index + 2]) {
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Two lower-case hex digits.
    private static func hex(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }

    /// The value of one hex digit, either case.
    private static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
