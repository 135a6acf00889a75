import Foundation

/// Compares a contact or event with its copy the way a user would: servers rewrite what does not
/// change meaning (property order, line folding, the case of names, quoting, their own PRODID), so
/// items are compared after normalising those, never byte for byte.
public enum ItemComparison {
    /// Whether `left` and `right` are the same item.
    public static func same(_ left: Data, _ right: Data) -> Bool {
        normalised(left) == normalised(right)
    }

    /// The item as a sorted list of lines, each prefixed with the components it is in
    /// (`VCALENDAR/VEVENT/SUMMARY:Lunch`).
    ///
    /// Left out: `PRODID` (each server writes its own) and the scheduling parameters mailmig adds or a
    /// server sets (`SCHEDULE-AGENT`, `SCHEDULE-STATUS`, `SCHEDULE-FORCE-SEND`, RFC 6638 §7).
    /// Property and parameter names are compared in upper case, parameters in sorted order and without
    /// quotes, and the values of enumerated parameters (`TYPE`, `ENCODING`, `VALUE`, …) in upper case.
    public static func normalised(_ data: Data) -> [String] {
        var path: [String] = []
        var out: [String] = []
        for line in ContentLines.parse(data) {
            let property = line.property
            if property == "BEGIN" {
                path.append(line.value.uppercased().trimmingCharacters(in: .whitespaces))
                continue
            }
            if property == "END" {
                _ = path.popLast()
                continue
            }
            if property == "PRODID" { continue }
            let parameters = line.parameters.compactMap(normalisedParameter).sorted()
            let value = property == "ORGANIZER" || property == "ATTENDEE" ? normalisedAddress(line.value) : line.value
            out.append(path.joined(separator: "/") + "/" + ([property] + parameters).joined(separator: ";") + ":"
                       + value.trimmingCharacters(in: .whitespaces))
        }
        return out.sorted()
    }

    static let schedulingParameters: Set<String> = ["SCHEDULE-AGENT", "SCHEDULE-STATUS", "SCHEDULE-FORCE-SEND"]
    static let enumeratedParameters: Set<String> = ["TYPE", "ENCODING", "VALUE", "ROLE", "PARTSTAT", "RSVP", "CUTYPE", "RELATED",
                                                     "RANGE", "FBTYPE", "RELTYPE", "PREF", "CHARSET"]

    private static func normalisedParameter(_ parameter: String) -> String? {
        let parts = parameter.split(separator: "=", maxSplits: 1)
        let name = String(parts.first ?? "").uppercased()
        guard !schedulingParameters.contains(name) else { return nil }
        var value = parts.count > 1 ? String(parts[1]) : ""
        value = value.replacingOccurrences(of: "\"", with: "")
        if enumeratedParameters.contains(name) {
            value = value.uppercased().split(separator: ",").map(String.init).sorted().joined(separator: ",")
        }
        return name + "=" + value
    }

    private static func normalisedAddress(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("mailto:") { return "mailto:" + trimmed.dropFirst(7).lowercased() }
        return trimmed
    }
}
