import MailMigCore

extension PlanDecoder {
    /// Applies `preset:` of a side: the side's mapping without it, with the preset's settings added
    /// under it (the plan's own keys win, mappings are merged key by key), and the preset. A plan that
    /// names another kind of system than the preset keeps its own (`pop3:` drops the preset's `imap:`).
    /// Without `preset:`, the node as it is.
    mutating func applyPreset(to node: PlanNode, path: String) -> (PlanNode, ServicePreset?) {
        guard case .mapping(let pairs) = node.content, let written = pairs.first(where: { $0.key.scalarText == "preset" }) else {
            return (node, nil)
        }
        let own = PlanNode(content: .mapping(pairs.filter { $0.key.scalarText != "preset" }), location: node.location)
        guard let name = nonEmptyString(written.value, path: "\(path).preset") else { return (own, nil) }
        guard let found = ServicePresetCatalog.entries[name] else {
            var message = "unknown preset '\(name)' for \(path).preset; expected one of \(ServicePresetCatalog.names.joined(separator: ", "))"
            if let suggestion = closestMatch(to: name, in: ServicePresetCatalog.names) { message += " (did you mean '\(suggestion)'?)" }
            diagnostics.error(written.value.location, message)
            return (own, nil)
        }
        switch found {
        case .failure(let error):
            diagnostics.error(written.value.location, error.description)
            return (own, nil)
        case .success(let entry):
            let chosen = Set(pairs.compactMap(\.key.scalarText)).intersection(Self.storeKeys)
            var defaults = entry.server
            if !chosen.isEmpty, case .mapping(let presetPairs) = defaults.content {
                defaults.content = .mapping(presetPairs.filter { pair in
                    guard let key = pair.key.scalarText, Self.storeKeys.contains(key) else { return true }
                    return chosen.contains(key)
                })
            }
            // A plan whose login gets OAuth 2 tokens logs in that way, whatever login style the preset names.
            if let login = own.child("login"), login.child("oauth2") != nil, login.child("style") == nil {
                defaults = defaults.removing(["login", "style"])
            }
            return (own.merged(over: defaults), entry.preset)
        }
    }
}

extension PlanNode {
    /// The value of `key` when this is a mapping that has it.
    func child(_ key: String) -> PlanNode? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key.scalarText == key }?.value
    }

    /// This mapping without the key at `path` (keys of nested mappings); unchanged when it is not there.
    func removing(_ path: [String]) -> PlanNode {
        guard let first = path.first, case .mapping(let pairs) = content else { return self }
        let kept: [Pair] = pairs.compactMap { pair in
            guard pair.key.scalarText == first else { return pair }
            guard path.count > 1 else { return nil }
            return Pair(key: pair.key, value: pair.value.removing(Array(path.dropFirst())))
        }
        return PlanNode(content: .mapping(kept), location: location)
    }

    /// This mapping with the keys of `defaults` it lacks added, in `defaults`' order after its own;
    /// where both hold a mapping for a key, the two are merged the same way. Anything else is kept as it is.
    func merged(over defaults: PlanNode) -> PlanNode {
        guard case .mapping(let pairs) = content, case .mapping(let fallback) = defaults.content else { return self }
        var merged = pairs.map { pair -> Pair in
            guard let key = pair.key.scalarText, let other = fallback.first(where: { $0.key.scalarText == key }) else { return pair }
            return Pair(key: pair.key, value: pair.value.merged(over: other.value))
        }
        let written = Set(pairs.compactMap(\.key.scalarText))
        merged += fallback.filter { pair in pair.key.scalarText.map { !written.contains($0) } ?? false }
        return PlanNode(content: .mapping(merged), location: location)
    }
}
