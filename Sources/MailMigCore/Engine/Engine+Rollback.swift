import Foundation

extension Engine {
    /// The serial the last apply started from: what `mailmig rollback` returns to by default.
    public func serialBeforeLastApply() throws -> Int? {
        try store.applies().first { record in
            record.status != "running" && (record.serialAfter ?? record.serialBefore) > record.serialBefore
        }?.serialBefore
    }

    /// A plan that returns every resource changed after `serial` to what the state recorded at `serial`.
    ///
    /// DNS RRsets go back to the records mailmig had written then (or, for ones it did not manage yet,
    /// to what was there before mailmig). Mail copied is never removed by a rollback.
    public func rollbackPlan(toSerial serial: Int) async throws -> ExecutionPlan {
        var plan = ExecutionPlan.empty
        // One change after the other; records the operator restores by hand wait for nobody.
        var previous: String?
        let current = try recordedDNS()
        for (address, past) in try store.resources(asOf: serial).sorted(by: { $0.key < $1.key }) where past.kind == DNSRecordState.kind {
            let then = try past.attributes.map { try StateCoding.decoder.decode(DNSRecordState.self, from: $0) }
            guard let reference = then ?? current[address] else { continue }
            guard let provider = workspace.dnsProviders[reference.provider] else {
                throw ProviderError.undefined(reference.provider, key: reference.key)
            }
            let live = try await provider.read(reference.key)
            let desired = then.map(\.applied) ?? reference.original
            let change = DNSChange(key: reference.key, provider: reference.provider, expected: live, desired: desired,
                                   original: then?.original ?? reference.original, phase: then?.phase ?? .source, forget: then == nil,
                                   setByHand: provider.capabilities.writes == .byOperator ? true : nil)
            if live == desired, then == current[address] { continue }
            let action: ChangeAction = live == nil ? .create : desired == nil ? .delete : .update
            plan.steps.append(PlannedStep(
                id: "dns:\(address)", address: address, action: action,
                reason: then == nil ? "roll back to serial \(serial): restore the records from before mailmig and forget them"
                                    : "roll back to serial \(serial): \(then?.phase == .cutover ? "the cutover records" : "the records before the cutover")",
                work: .dns(change), dependsOn: previous.map { [$0] } ?? []))
            if provider.capabilities.writes != .byOperator { previous = "dns:\(address)" }
        }
        if plan.steps.contains(where: { $0.work.dnsChange?.phase == .source }),
           workspace.plan.domains.contains(where: { $0.route == .target }) {
            plan.warnings.append("the plan file still says route: target; set route: source, or the next apply cuts over again")
        }
        return plan
    }
}
