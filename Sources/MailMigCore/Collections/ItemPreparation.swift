import Foundation

/// What changes in an event on its way to the target, and nothing else: the scheduling parameter
/// that keeps the target from sending invitations, and the addresses of migrated mailboxes.
///
/// A vCard, and an event without ORGANIZER or ATTENDEE, go as the source has them, byte for byte.
public struct ItemPreparation: Sendable {
    /// Source address (lower case) → target address, for ORGANIZER and ATTENDEE (empty: none rewritten).
    public var addresses: [String: String]

    /// Creates a preparation.
    public init(addresses: [String: String]) {
        self.addresses = addresses
    }

    /// The preparation of a plan: every mailbox whose address changes, unless `rewrite_addresses` is off.
    public init(plan: Plan) {
        var addresses: [String: String] = [:]
        if plan.collections?.rewriteAddresses ?? true {
            for mailbox in plan.mailboxes where mailbox.source.description.lowercased() != mailbox.target.description.lowercased() {
                addresses[mailbox.source.description.lowercased()] = mailbox.target.description
            }
        }
        self.init(addresses: addresses)
    }

    /// The item to store on the target.
    ///
    /// Every ORGANIZER and ATTENDEE gets `SCHEDULE-AGENT=CLIENT` (RFC 6638 §7.1), in place of any
    /// `SCHEDULE-AGENT` the source had, which tells a
    /// scheduling server that the client handles scheduling, so storing the event sends no invitation,
    /// reply or cancellation; an address of a migrated mailbox becomes its target address.
    public func prepare(_ data: Data) -> Data {
        prepare(data, lines: ContentLines.parse(data))
    }

    /// The item to store, from its lines already read (`ContentLines.parse(data)`).
    public func prepare(_ data: Data, lines parsed: [ContentLine]) -> Data {
        var lines = parsed
        var changed = false
        for index in lines.indices where lines[index].property == "ORGANIZER" || lines[index].property == "ATTENDEE" {
            var line = lines[index]
            // Whatever the source said (SERVER, NONE, …), the copy is stored with CLIENT only.
            if !line.parameters.contains(where: { $0.uppercased() == "SCHEDULE-AGENT=CLIENT" })
                || line.parameters.filter({ $0.uppercased().hasPrefix("SCHEDULE-AGENT=") }).count > 1 {
                line.parameters.removeAll { $0.uppercased().hasPrefix("SCHEDULE-AGENT=") }
                line.parameters.append("SCHEDULE-AGENT=CLIENT")
            }
            if let target = rewritten(line.value.trimmingCharacters(in: .whitespaces)) {
                line.value = target
            }
            line.parameters = line.parameters.map(rewrittenParameter)
            if line != lines[index] {
                line.raw = Data()
                lines[index] = line
                changed = true
            }
        }
        return changed ? ContentLines.serialize(lines) : data
    }

    /// Parameters whose values are calendar addresses (RFC 5545 §3.2.4, §3.2.5, §3.2.11, §3.2.18):
    /// a delegate or the one who acts for the organizer is a migrated mailbox as often as the
    /// attendee is.
    static let addressParameters: Set<String> = ["SENT-BY", "DELEGATED-FROM", "DELEGATED-TO", "MEMBER"]

    /// `mailto:` of the target address when `value` is `mailto:` of a migrated mailbox; else nil.
    private func rewritten(_ value: String) -> String? {
        guard value.lowercased().hasPrefix("mailto:"), let target = addresses[String(value.dropFirst(7)).lowercased()] else { return nil }
        return "mailto:" + target
    }

    /// A `NAME=value[,value]` parameter with its migrated addresses rewritten, each kept quoted as it was.
    private func rewrittenParameter(_ parameter: String) -> String {
        guard !addresses.isEmpty, let equals = parameter.firstIndex(of: "="),
              Self.addressParameters.contains(parameter[..<equals].uppercased()) else { return parameter }
        let values = parameter[parameter.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false).map { item -> String in
            let quoted = item.count >= 2 && item.hasPrefix("\"") && item.hasSuffix("\"")
            let value = quoted ? String(item.dropFirst().dropLast()) : String(item)
            guard let target = rewritten(value) else { return String(item) }
            return quoted ? "\"\(target)\"" : target
        }
        return parameter[...equals] + values.joined(separator: ",")
    }
}
