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
            let value = line.value.trimmingCharacters(in: .whitespaces)
            if value.lowercased().hasPrefix("mailto:"), let target = addresses[String(value.dropFirst(7)).lowercased()] {
                line.value = "mailto:" + target
            }
            if line != lines[index] {
                line.raw = Data()
                lines[index] = line
                changed = true
            }
        }
        return changed ? ContentLines.serialize(lines) : data
    }
}
