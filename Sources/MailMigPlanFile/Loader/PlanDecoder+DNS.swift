import MailMigCore

extension PlanDecoder {
    /// Reads `dns:`: the providers that can be used, and the names of those declared but unusable
    /// (an unknown kind, settings with errors), whose errors are already reported.
    mutating func decodeDNS(_ node: PlanNode) -> (settings: DNSSettings, unusable: Set<String>) {
        var providers: [String: DNSProvider] = [:]
        var unusable: Set<String> = []
        guard let fields = fields(node, path: "dns", allowed: ["providers"]),
              let providersNode = required(fields, "providers")
        else { return (DNSSettings(providers: providers), unusable) }
        guard case .mapping(let pairs) = providersNode.content else {
            typeMismatch(providersNode, path: "dns.providers", expected: "a mapping of provider names to settings")
            return (DNSSettings(providers: providers), unusable)
        }
        for pair in pairs {
            guard let name = pair.key.scalarText, !name.isEmpty else {
                diagnostics.error(pair.key.location, "a DNS provider needs a name")
                continue
            }
            if name == Self.noDNS {
                diagnostics.error(pair.key.location, "a DNS provider cannot be named none: `dns: none` marks a mail-only domain; choose another name")
                unusable.insert(name)
                continue
            }
            if let provider = decodeProvider(pair.value, name: name) {
                providers[name] = provider
            } else {
                unusable.insert(name)
            }
        }
        return (DNSSettings(providers: providers), unusable)
    }

    /// Reads `dns.providers.NAME`: one key naming a registered kind, whose settings that kind reads.
    ///
    /// The loader knows no kind: `dnsKinds` gives each key's reader, and the provider keeps the settings
    /// as written for the kind's factory.
    private mutating func decodeProvider(_ node: PlanNode, name: String) -> DNSProvider? {
        let path = "dns.providers.\(name)"
        guard case .mapping(let pairs) = node.content else {
            typeMismatch(node, path: path, expected: "a mapping")
            return nil
        }
        var chosen: (pair: PlanNode.Pair, kind: DNSProviderKind)?
        var unknown = false
        for pair in pairs {
            guard let key = pair.key.scalarText, case .scalar = pair.key.content else {
                diagnostics.error(pair.key.location, "a key in \(path) must be a plain name, found \(pair.key.kindDescription)")
                continue
            }
            guard let kind = dnsKinds.kind(key) else {
                unknown = true
                diagnostics.error(pair.key.location, unknownKindMessage(key, path: path))
                continue
            }
            if let first = chosen {
                diagnostics.error(pair.key.location, "\(path) has two kinds, \(first.kind.key) and \(key); declare each under a provider name of its own")
                continue
            }
            chosen = (pair, kind)
        }
        guard let chosen else {
            if !unknown { diagnostics.error(node.location, missingKindMessage(path: path)) }
            return nil
        }
        guard !chosen.pair.value.isNull || chosen.kind.settingsOptional else {
            diagnostics.error(chosen.pair.key.location, "missing value for '\(chosen.kind.key)' in \(path)")
            return nil
        }
        let provider = DNSProvider(name: name, kind: chosen.kind.key, settings: chosen.pair.value, location: node.location)
        let reading = chosen.kind.read(provider.settings, path: provider.settingsPath)
        diagnostics.append(contentsOf: reading.diagnostics)
        return reading.accepted ? provider : nil
    }

    /// `unknown DNS provider kind 'x' in PATH (did you mean 'y'?); this build knows a, b`.
    private func unknownKindMessage(_ key: String, path: String) -> String {
        var message = "unknown DNS provider kind '\(key)' in \(path)"
        if let suggestion = closestMatch(to: key, in: dnsKinds.kinds) { message += " (did you mean '\(suggestion)'?)" }
        return message + (dnsKinds.kinds.isEmpty ? "; this build knows no DNS provider kind" : "; this build knows \(dnsKinds.kinds.joined(separator: ", "))")
    }

    /// `missing value for 'a' or 'b' in PATH`: the provider names no kind.
    private func missingKindMessage(path: String) -> String {
        guard !dnsKinds.kinds.isEmpty else { return "\(path) names no DNS provider kind, and this build knows none" }
        return "missing value for \(dnsKinds.kinds.map { "'\($0)'" }.joined(separator: " or ")) in \(path)"
    }
}
