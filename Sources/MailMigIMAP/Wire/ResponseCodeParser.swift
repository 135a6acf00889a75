import NIOCore

/// Reads the text between `[` and `]` of a status response into a `ResponseCode`.
enum ResponseCodeParser {
    static func parse(_ text: String) -> ResponseCode {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let nameEnd = trimmed.firstIndex(of: " ") ?? trimmed.endIndex
        let name = trimmed[..<nameEnd].uppercased()
        let rest = trimmed[nameEnd...].trimmingCharacters(in: .whitespaces)
        let arguments: String? = rest.isEmpty ? nil : rest
        var cursor = ByteCursor(ByteBuffer(string: rest + "\r\n"))
        let parsed: ResponseCode?
        switch name {
        case "ALERT": parsed = .alert
        case "TRYCREATE": parsed = .tryCreate
        case "OVERQUOTA": parsed = .overQuota
        case "READ-ONLY": parsed = .readOnly
        case "READ-WRITE": parsed = .readWrite
        case "NOMODSEQ": parsed = .noModSeq
        case "UIDNOTSTICKY": parsed = .uidNotSticky
        case "UIDVALIDITY": parsed = try? .uidValidity(cursor.number32())
        case "UIDNEXT": parsed = try? .uidNext(cursor.number32())
        case "UNSEEN": parsed = try? .unseen(cursor.number32())
        case "HIGHESTMODSEQ": parsed = try? .highestModSeq(cursor.number())
        case "PERMANENTFLAGS": parsed = try? .permanentFlags(cursor.list { try $0.flag() })
        case "CAPABILITY": parsed = .capability(rest.split(separator: " ").map(String.init))
        case "APPENDUID":
            parsed = try? {
                let validity = try cursor.number32()
                try cursor.space()
                return .appendUID(uidValidity: validity, uids: try cursor.sequenceSet())
            }()
        case "COPYUID":
            parsed = try? {
                let validity = try cursor.number32()
                try cursor.space()
                let source = try cursor.sequenceSet()
                try cursor.space()
                return .copyUID(uidValidity: validity, source: source, destination: try cursor.sequenceSet())
            }()
        default:
            parsed = nil
        }
        return parsed ?? .other(name: name, arguments: arguments)
    }
}
