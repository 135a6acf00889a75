import Foundation

/// Numbers, times and durations as every report format writes them.
public enum ReportFormatting {
    /// ISO 8601 in UTC.
    public static func time(_ date: Date) -> String { Formatting.timestamp(date) }

    /// ISO 8601, or `never`.
    public static func time(_ date: Date?, none: String) -> String { date.map(time) ?? none }

    /// `850ms`, `12.4s`, `3m 05s`, `2h 04m`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        return String(format: "%dh %02dm", whole / 3600, (whole % 3600) / 60)
    }

    /// `source 0ms, target 1m 04s`: how long the last passes were held back by each side's throttling;
    /// nil when neither throttled.
    public static func throttling(_ summary: CloseoutSummary) -> String? {
        guard summary.sourceThrottledSeconds > 0 || summary.targetThrottledSeconds > 0 else { return nil }
        return "source \(duration(summary.sourceThrottledSeconds)), target \(duration(summary.targetThrottledSeconds))"
    }

    /// `3.1 MiB/s`.
    public static func rate(_ bytesPerSecond: Double) -> String { Formatting.bytes(Int64(bytesPerSecond.rounded())) + "/s" }

    /// `12,304`.
    public static func count(_ value: Int) -> String { Formatting.count(value) }

    /// `310 MiB`.
    public static func bytes(_ value: Int64) -> String { Formatting.bytes(value) }

    /// `1 message`, `2 messages`.
    public static func plural(_ value: Int, _ noun: String, _ plural: String? = nil) -> String {
        "\(count(value)) \(value == 1 ? noun : plural ?? noun + "s")"
    }

    /// Text from a server or a message on one terminal line: line breaks, escape sequences and other control
    /// characters become spaces, so nothing recorded can move the cursor or forge lines of output.
    public static func line(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                if out.unicodeScalars.last != " " { out += " " }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The human name of an outcome.
    public static func label(_ outcome: MailboxOutcome) -> String {
        switch outcome {
        case .migrated: return "migrated"
        case .migratedWithSkips: return "migrated with skips"
        case .failed: return "failed"
        case .inProgress: return "in progress"
        case .notStarted: return "not started"
        }
    }

    /// `sync`, or `not started`.
    public static func stage(_ stage: Stage?) -> String { stage?.rawValue ?? "not started" }

    /// `passed (deep, 0 differences) at …`, `failed: 3 differences at …`, or `not verified`.
    public static func verdict(_ verdict: MailboxVerdict?) -> String {
        guard let verdict else { return "not verified" }
        let kind = verdict.deep ? "deep" : "counts, flags, dates"
        if verdict.passed { return "passed (\(kind)) at \(time(verdict.at))" }
        return "failed (\(kind)): \(plural(verdict.differences, "difference")) at \(time(verdict.at))"
    }

    /// `passed`, `failed` or `not verified`, for tables.
    public static func verdictWord(_ verdict: MailboxVerdict?) -> String {
        guard let verdict else { return "not verified" }
        return verdict.passed ? "passed" : "failed"
    }
}
