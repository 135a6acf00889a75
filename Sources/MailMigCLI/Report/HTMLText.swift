import MailMigCore
/// Escaping for the HTML report: every text and attribute value goes through it.
enum HTMLText {
    /// `text` with `& < > " '` replaced by entities, and control characters (except tab and line feed) dropped,
    /// so the result is valid in both HTML and XML; `://` is written as a character reference so that no text
    /// (a Message-ID, a server's answer) ever reads as an address in the page source.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out.replacingOccurrences(of: "://", with: ":&#47;&#47;")
    }

    /// A number for SVG coordinates: at most one decimal, `.` as separator.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
