import Foundation
import MailMigCore

extension PlanDecoder {
    /// Reads `dns:`.
    mutating func decodeDNS(_ node: YAMLNode) -> DNSSettings {
        var providers: [String: DNSProvider] = [:]
        guard let fields = fields(node, path: "dns", allowed: ["providers"]),
              let providersNode = required(fields, "providers")
        else { return DNSSettings(providers: providers) }
        guard case .mapping(let pairs) = providersNode.content else {
            typeMismatch(providersNode, path: "dns.providers", expected: "a mapping of provider names to settings")
            return DNSSettings(providers: providers)
        }
        for pair in pairs {
            guard let name = pair.key.scalarText, !name.isEmpty else {
                diagnostics.error(pair.key.location, "a DNS provider needs a name")
                continue
            }
            if let provider = decodeProvider(pair.value, name: name) {
                providers[name] = provider
            }
        }
        return DNSSettings(providers: providers)
    }

    private mutating func decodeProvider(_ node: YAMLNode, name: String) -> DNSProvider? {
        let path = "dns.providers.\(name)"
        guard let providerFields = fields(node, path: path, allowed: ["rfc2136"]),
              let settingsNode = required(providerFields, "rfc2136"),
              let settings = fields(settingsNode, path: providerFields.path("rfc2136"), allowed: ["server", "key", "check_servers", "timeout"])
        else { return nil }
        let server = required(settings, "server").flatMap { hostPort($0, path: settings.path("server"), defaultPort: 53) }
        let key = required(settings, "key").flatMap { decodeTSIGKey($0, path: settings.path("key")) }
        var checkServers: [String] = []
        if let node = settings["check_servers"], let list = strings(node, path: settings.path("check_servers")) {
            for (index, entry) in list.enumerated() {
                _ = hostPort(YAMLNode(content: .scalar(text: entry, kind: .string), location: node.location),
                             path: settings.path("check_servers") + "[\(index)]", defaultPort: 53)
            }
            checkServers = list
        }
        var timeout = 10
        if let node = settings["timeout"], let duration = duration(node, path: settings.path("timeout")) {
            if duration.seconds < 1 || duration.seconds > 600 {
                diagnostics.error(node.location, "\(settings.path("timeout")) must be between 1s and 10m")
            } else {
                timeout = Int(duration.seconds)
            }
        }
        guard let server, let key else { return nil }
        return DNSProvider(
            name: name,
            kind: .rfc2136(RFC2136Settings(host: server.host, port: server.port, key: key, checkServers: checkServers, timeoutSeconds: timeout)),
            location: node.location)
    }

    private mutating func decodeTSIGKey(_ node: YAMLNode, path: String) -> TSIGKeySettings? {
        guard let fields = fields(node, path: path, allowed: ["name", "algorithm", "secret"]) else { return nil }
        let name = required(fields, "name").flatMap { nonEmptyString($0, path: fields.path("name")) }
        var algorithm = "hmac-sha256"
        if let node = fields["algorithm"], let text = string(node, path: fields.path("algorithm")) {
            if TSIGKeySettings.algorithms.contains(text) {
                algorithm = text
            } else {
                diagnostics.error(node.location, "unknown TSIG algorithm '\(text)' for \(fields.path("algorithm")); expected one of \(TSIGKeySettings.algorithms.joined(separator: ", "))")
            }
        }
        let secret = required(fields, "secret").flatMap { self.secret($0, path: fields.path("secret")) }
        guard let name, let secret else { return nil }
        return TSIGKeySettings(name: name, algorithm: algorithm, secret: secret)
    }

    /// `host`, `host:port` or `[v6]:port`; the port is plain digits.
    mutating func hostPort(_ node: YAMLNode, path: String, defaultPort: Int) -> (host: String, port: Int)? {
        guard let text = nonEmptyString(node, path: path) else { return nil }
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                diagnostics.error(node.location, "\(path) must be host or host:port, found '\(text)'")
                return nil
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else {
                    diagnostics.error(node.location, "\(path) must be host or host:port, found '\(text)'")
                    return nil
                }
                portText = rest.dropFirst()
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        var port = defaultPort
        if let portText {
            guard let value = Self.plainNumber(portText, as: Int.self), (1...65_535).contains(value) else {
                diagnostics.error(node.location, "\(path) has an invalid port in '\(text)'; expected a number from 1 to 65535")
                return nil
            }
            port = value
        }
        guard !host.isEmpty, !host.contains(" ") else {
            diagnostics.error(node.location, "\(path) must be host or host:port, found '\(text)'")
            return nil
        }
        return (host, port)
    }

    /// A number written with ASCII digits only (no sign, no spaces), as DNS presentation format has them.
    static func plainNumber<T: FixedWidthInteger>(_ text: some StringProtocol, as: T.Type) -> T? {
        guard !text.isEmpty, text.count <= 20, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return T(text)
    }

    /// Reads `domains:`.
    mutating func decodeDomains(_ node: YAMLNode, dns: DNSSettings, dnsWritten: Bool) -> [Domain] {
        guard let items = list(node, path: "domains") else { return [] }
        var domains: [Domain] = []
        var seen: [String: SourceLocation] = [:]
        for (index, item) in items.enumerated() {
            guard let domain = decodeDomain(item, path: "domains[\(index)]", dns: dns, dnsWritten: dnsWritten) else { continue }
            if let first = seen[domain.name] {
                diagnostics.error(domain.location, "domain \(domain.name) is listed twice (first at line \(first.line))")
                continue
            }
            seen[domain.name] = domain.location
            domains.append(domain)
        }
        return domains
    }

    private mutating func decodeDomain(_ node: YAMLNode, path: String, dns: DNSSettings, dnsWritten: Bool) -> Domain? {
        guard let fields = fields(node, path: path, allowed: ["name", "dns", "verify", "route", "cutover"]) else { return nil }
        var name: String?
        if let node = required(fields, "name"), let text = nonEmptyString(node, path: fields.path("name")) {
            let normalized = text.lowercased().hasSuffix(".") ? String(text.lowercased().dropLast()) : text.lowercased()
            if Self.isDomainName(normalized) {
                name = normalized
            } else {
                diagnostics.error(node.location, "\(fields.path("name")) must be a domain name like example.com, found '\(text)'")
            }
        }
        var provider: String?
        if let node = required(fields, "dns"), let text = nonEmptyString(node, path: fields.path("dns")) {
            if dns.providers[text] != nil {
                provider = text
            } else if dnsWritten {
                var message = "\(fields.path("dns")) names the DNS provider '\(text)', which dns.providers does not define"
                if let suggestion = closestMatch(to: text, in: dns.providers.keys.sorted()) { message += " (did you mean '\(suggestion)'?)" }
                diagnostics.error(node.location, message)
            } else {
                diagnostics.error(node.location, "\(fields.path("dns")) names the DNS provider '\(text)', but the plan has no dns: section")
            }
        }
        var route = Domain.Route.source
        if let node = fields["route"] {
            route = choice(node, path: fields.path("route"), as: Domain.Route.self) ?? route
        }
        let verify = fields["verify"].flatMap { decodeVerification($0, path: fields.path("verify")) }
        let cutover = fields["cutover"].flatMap { decodeCutover($0, path: fields.path("cutover")) }
        if route == .target, cutover?.records.isEmpty ?? true {
            diagnostics.warning(fields.keyLocation("route"), "\(path) routes to the target but declares no cutover records, so nothing changes in DNS")
        }
        guard let name, let provider else { return nil }
        return Domain(name: name, dnsProvider: provider, verify: verify, route: route, cutover: cutover,
                      location: node.location, routeLocation: fields["route"]?.location ?? node.location)
    }

    private mutating func decodeVerification(_ node: YAMLNode, path: String) -> DomainRecord? {
        guard let fields = fields(node, path: path, allowed: ["name", "type", "value", "ttl"]) else { return nil }
        var type = DNSRecordType.TXT
        if let node = fields["type"] {
            type = choice(node, path: fields.path("type"), as: DNSRecordType.self) ?? type
        }
        let name = fields["name"].flatMap { nonEmptyString($0, path: fields.path("name")) } ?? "@"
        let value = required(fields, "value").flatMap { nonEmptyString($0, path: fields.path("value")) }
        let ttl = fields["ttl"].flatMap { int($0, path: fields.path("ttl"), range: 0...2_147_483_647) }
        guard let value else { return nil }
        checkRecordValue(value, type: type, at: fields["value"]?.location ?? node.location, path: fields.path("value"))
        // The verification record joins the RRset at its name; it must not replace the others there.
        return DomainRecord(name: name, type: type, values: [value], match: type == .TXT ? value : nil, ttl: ttl, location: node.location)
    }

    private mutating func decodeCutover(_ node: YAMLNode, path: String) -> Cutover? {
        guard let fields = fields(node, path: path, allowed: ["lower_ttl_to", "records"]) else { return nil }
        var lowerTTL: Int?
        if let node = fields["lower_ttl_to"], let duration = duration(node, path: fields.path("lower_ttl_to")) {
            if duration.seconds < 30 || duration.seconds > 86_400 {
                diagnostics.error(node.location, "\(fields.path("lower_ttl_to")) must be between 30 seconds and 1 day, found \(duration.text)")
            } else {
                lowerTTL = Int(duration.seconds)
            }
        }
        var records: [DomainRecord] = []
        if let node = required(fields, "records"), let items = list(node, path: fields.path("records")) {
            var seen: [String: SourceLocation] = [:]
            for (index, item) in items.enumerated() {
                guard let record = decodeRecord(item, path: fields.path("records") + "[\(index)]") else { continue }
                let key = "\(record.name.lowercased()) \(record.type.rawValue) \(record.match ?? "")"
                if let first = seen[key] {
                    diagnostics.error(record.location, "the record \(record.name) \(record.type.rawValue) is declared twice (first at line \(first.line)); list all its values in one entry")
                    continue
                }
                seen[key] = record.location
                records.append(record)
            }
        }
        return Cutover(lowerTTLTo: lowerTTL, records: records)
    }

    private mutating func decodeRecord(_ node: YAMLNode, path: String) -> DomainRecord? {
        guard let fields = fields(node, path: path, allowed: ["name", "type", "values", "match", "ttl"]) else { return nil }
        let name = fields["name"].flatMap { nonEmptyString($0, path: fields.path("name")) } ?? "@"
        let type = required(fields, "type").flatMap { choice($0, path: fields.path("type"), as: DNSRecordType.self) }
        let values = required(fields, "values").flatMap { strings($0, path: fields.path("values")) }
        let match = fields["match"].flatMap { nonEmptyString($0, path: fields.path("match")) }
        let ttl = fields["ttl"].flatMap { int($0, path: fields.path("ttl"), range: 0...2_147_483_647) }
        guard let type, let values else { return nil }
        if values.isEmpty {
            diagnostics.error(fields["values"]?.location ?? node.location, "\(fields.path("values")) needs at least one value")
            return nil
        }
        if match != nil, type != .TXT {
            diagnostics.error(fields.keyLocation("match"), "match: selects TXT records sharing one RRset; it does not apply to \(type.rawValue)")
        }
        if type == .CNAME {
            if values.count > 1 {
                diagnostics.error(fields["values"]?.location ?? node.location, "a CNAME has exactly one value, found \(values.count)")
            }
            if name == "@" {
                diagnostics.error(node.location, "a CNAME cannot be at the domain's apex (@); it would hide the SOA and NS records")
            }
        }
        for (index, value) in values.enumerated() {
            checkRecordValue(value, type: type, at: fields["values"]?.location ?? node.location, path: fields.path("values") + "[\(index)]")
        }
        return DomainRecord(name: name, type: type, values: values, match: match, ttl: ttl, location: node.location)
    }

    /// Checks the shape of a value in presentation format for its type.
    mutating func checkRecordValue(_ value: String, type: DNSRecordType, at location: SourceLocation, path: String) {
        let words = value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let problem: String?
        switch type {
        case .A:
            let octets = value.split(separator: ".", omittingEmptySubsequences: false)
            problem = octets.count == 4 && octets.allSatisfy({ Self.plainNumber($0, as: UInt8.self) != nil }) ? nil : "an IPv4 address like 192.0.2.10"
        case .AAAA:
            problem = value.contains(":") && value.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) ? nil : "an IPv6 address like 2001:db8::10"
        case .CNAME, .NS:
            problem = words.count == 1 && Self.isDomainName(Self.trimDot(value)) ? nil : "a host name like host.example.com."
        case .MX:
            problem = words.count == 2 && Self.plainNumber(words[0], as: UInt16.self) != nil && (Self.isDomainName(Self.trimDot(words[1])) || words[1] == ".")
                ? nil : "a preference and a host like \"10 mx.example.com.\""
        case .SRV:
            problem = words.count == 4 && words[0..<3].allSatisfy({ Self.plainNumber($0, as: UInt16.self) != nil }) && Self.isDomainName(Self.trimDot(words[3]))
                ? nil : "priority, weight, port and target like \"0 5 443 host.example.com.\""
        case .CAA:
            problem = words.count >= 3 && Self.plainNumber(words[0], as: UInt8.self) != nil ? nil : "flags, tag and value like \"0 issue \\\"ca.example\\\"\""
        case .TXT:
            problem = value.utf8.count <= 4_000 ? nil : "text of at most 4000 bytes"
        }
        if let problem {
            diagnostics.error(location, "\(path) is not a valid \(type.rawValue) value: expected \(problem), found '\(value)'")
        }
    }

    static func trimDot(_ name: String) -> String { name.hasSuffix(".") ? String(name.dropLast()) : name }

    static func isDomainName(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return name.count <= 253 && labels.count >= 1 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}
