import Foundation

/// A size written like `35MB`, `512KiB` or `1048576`.
public struct ByteSize: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The size in bytes.
    public var bytes: Int64
    /// As written in the plan.
    public var text: String

    /// Units accepted after the number: decimal (KB = 1000 bytes) and binary (KiB = 1024 bytes).
    public static let units: [String: Int64] = [
        "B": 1, "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
        "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
    ]

    /// Creates a size from a byte count.
    public init(bytes: Int64) {
        self.bytes = bytes
        self.text = "\(bytes)"
    }

    /// Parses digits, an optional space and an optional unit (`35MB`, `512 KiB`, `1048576`); `nil` if malformed.
    public init?(parsing text: String) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        var unit = text.dropFirst(digits.count)
        if unit.hasPrefix(" ") { unit = unit.dropFirst() }
        guard !digits.isEmpty, let value = Int64(digits) else { return nil }
        let factor: Int64
        if unit.isEmpty {
            factor = 1
        } else if let known = Self.units[String(unit)] {
            factor = known
        } else {
            return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        self.bytes = product
        self.text = text
    }

    /// As written in the plan.
    public var description: String { text }

    /// Orders by byte count.
    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
}

/// A length of time written like `30d`, `48h`, `1d12h` or `90s`.
public struct PlanDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The length in seconds.
    public var seconds: Int64
    /// As written in the plan.
    public var text: String

    /// Creates a duration.
    public init(seconds: Int64, text: String) {
        self.seconds = seconds
        self.text = text
    }

    /// Parses runs of a number and a unit (`w`, `d`, `h`, `m`, `s`); `nil` if malformed.
    public init?(parsing text: String) {
        var total: Int64 = 0
        var digits = ""
        var sawUnit = false
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let factor: Int64
            switch character {
            case "w": factor = 7 * 86_400
            case "d": factor = 86_400
            case "h": factor = 3_600
            case "m": factor = 60
            case "s": factor = 1
            default: return nil
            }
            guard let value = Int64(digits) else { return nil }
            let (part, overflow1) = value.multipliedReportingOverflow(by: factor)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            guard !overflow1, !overflow2 else { return nil }
            total = sum
            digits = ""
            sawUnit = true
        }
        guard sawUnit, digits.isEmpty else { return nil }
        self.seconds = total
        self.text = text
    }

    /// As written in the plan.
    public var description: String { text }
}
