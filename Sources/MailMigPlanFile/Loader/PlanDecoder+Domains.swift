import MailMigCore

extension PlanDecoder {
    /// Reads `domains:`; a domain naming one of `unusableProviders` gets no error of its own for it.
    mutating func decodeDomains(_ node: PlanNode, dns: DNSSettings, unusableProviders: Set<String>, dnsWritten: Bool) -> [Domain] {
        guard let items = list(node, path: "domains") else { return [] }
        var domains: [Domain] = []
        var seen: [String: SourceLocation] = [:]
        for (index, item) in items.enumerated() {
            guard let domain = decodeDomain(item, path: "domains[\(index)]", dns: dns, unusableProviders: unusableProviders, dnsWritten: dnsWritten) else { continue }
            if let first = seen[domain.name] {
                diagnostics.error(domain.location, "domain \(domain.name) is listed twice (first at line \(first.line))")
                continue
            }
            seen[domain.name] = domain.location
            domains.append(domain)
        }
        return domains
    }

    private mutating func decodeDomain(
        _ node: PlanNode, path: String, dns: DNSSettings, unusableProviders: Set<String>, dnsWritten: Bool
    ) -> Domain? {
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
        var mailOnly = false
        if let node = required(fields, "dns"), let text = nonEmptyString(node, path: fields.path("dns")) {
            if text == Self.noDNS {
                mailOnly = true
                for key in ["verify", "cutover"] where fields.has(key) {
                    diagnostics.error(fields.keyLocation(key),
                                      "\(fields.path(key)) needs a DNS provider, but \(fields.path("dns")) is none (mail only: mailmig changes and checks no record); name a provider of dns.providers or remove \(key):")
                }
            } else if dns.providers[text] != nil {
                provider = text
            } else if unusableProviders.contains(text) {
                // The provider's own errors say why it cannot be used.
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
        if route == .target, !mailOnly, cutover?.records.isEmpty ?? true {
            diagnostics.warning(fields.keyLocation("route"), "\(path) routes to the target but declares no cutover records, so nothing changes in DNS")
        }
        guard let name, provider != nil || mailOnly else { return nil }
        return Domain(name: name, dnsProvider: provider, verify: mailOnly ? nil : verify, route: route, cutover: mailOnly ? nil : cutover,
                      location: node.location, routeLocation: fields["route"]?.location ?? node.location)
    }

    /// `dns: none`: a mail-only domain.
    static let noDNS = "none"

    private mutating func decodeVerification(_ node: PlanNode, path: String) -> DomainRecord? {
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

    private mutating func decodeCutover(_ node: PlanNode, path: String) -> Cutover? {
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

    private mutating func decodeRecord(_ node: PlanNode, path: String) -> DomainRecord? {
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
