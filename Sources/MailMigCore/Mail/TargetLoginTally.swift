import Synchronization

/// The target logins a plan made to find out whether mailboxes exist, to tell a missing mailbox from
/// wrong admin credentials.
///
/// A server refuses a master user acting for a missing account as it refuses a wrong password
/// (Dovecot answers `[AUTHENTICATIONFAILED]` to both), so a refused login means "missing" only once
/// another login of the same plan succeeded. When none did, the mailboxes judged missing are held
/// back with an error instead of being created: running `target.provision.create` against accounts
/// that exist, because a password was wrong, is what must never happen.
final class TargetLoginTally: Sendable {
    private let state = Mutex<(proven: Bool, refused: Set<String>)>((false, []))

    /// Notes the existence login of the mailbox at `address` (`mailbox.ADDRESS`): refused or not.
    func record(address: String, refused: Bool) {
        state.withLock { state in
            if refused { state.refused.insert(address) } else { state.proven = true }
        }
    }

    /// When no login succeeded, replaces what was planned for each refused mailbox (its provisioning,
    /// its pass, or its "does not exist" hold) by one error saying why it cannot be told apart.
    func holdBackUnproven(steps: inout [PlannedStep], blocked: inout [BlockedItem]) {
        let (proven, refused) = state.withLock { ($0.proven, $0.refused) }
        guard !proven, !refused.isEmpty else { return }
        let belongs = { (address: String) in refused.contains(address) || refused.contains { address.hasPrefix($0 + "/") } }
        steps.removeAll { belongs($0.address) }
        blocked.removeAll { belongs($0.address) }
        for address in refused.sorted() {
            blocked.append(BlockedItem(address: address, reason: Self.reason(count: refused.count), earliest: nil, isError: true))
        }
    }

    /// The sentence for a mailbox whose login was refused when no login succeeded.
    static func reason(count: Int) -> String {
        let which = count == 1 ? "the only target login this plan tried was refused" : "the target refused all \(count) logins this plan tried"
        return "\(which), so a missing mailbox cannot be told from wrong admin credentials: check the target's login "
            + "(user, password, login style), or set target.provision.check to find out which mailboxes exist"
    }
}
