import Foundation
import MailMigCore

extension PlanDecoder {
    /// `dav: { url, ca_file, verify_certificates, principal_format }`: a side's CalDAV/CardDAV server.
    mutating func decodeDAV(_ node: PlanNode, path: String) -> DAVEndpoint? {
        guard let fields = fields(node, path: path, allowed: ["url", "ca_file", "verify_certificates", "principal_format"]) else { return nil }
        var url: String?
        if let value = required(fields, "url"), let text = nonEmptyString(value, path: fields.path("url")) {
            if let parsed = URLComponents(string: text), parsed.user != nil || parsed.password != nil {
                diagnostics.error(value.location, "\(fields.path("url")) must not hold a user or password: the side's login gives them (a secret never belongs in the plan)")
            } else if let parsed = URLComponents(string: text), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
               let host = parsed.host, !host.isEmpty {
                url = text
                if scheme == "http", !Self.isLoopback(host) {
                    diagnostics.warning(value.location, "\(fields.path("url")) uses http with \(host): passwords, contacts and calendars cross the network in clear text")
                }
            } else {
                diagnostics.error(value.location, "\(fields.path("url")) must be an http or https URL with a host (https://dav.acme.test/); found '\(text)'")
            }
        }
        let caFile = fields["ca_file"].flatMap { nonEmptyString($0, path: fields.path("ca_file")) }
        if let caFile, let value = fields["ca_file"] { checkCertificateFile(caFile, at: value.location, path: fields.path("ca_file")) }
        var verify = true
        if let value = fields["verify_certificates"] {
            verify = bool(value, path: fields.path("verify_certificates")) ?? true
            if !verify {
                diagnostics.warning(fields.keyLocation("verify_certificates"), "certificate verification is off for \(path): anyone on the network path could impersonate the server")
            }
        }
        var principal: String?
        if let value = fields["principal_format"], let text = nonEmptyString(value, path: fields.path("principal_format")) {
            if text.hasPrefix("/") {
                principal = text
                checkPlaceholders(text, at: value.location, path: fields.path("principal_format"))
            } else {
                diagnostics.error(value.location, "\(fields.path("principal_format")) must be a path starting with / (/principals/{address}/); found '\(text)'")
            }
        }
        guard let url else { return nil }
        return DAVEndpoint(url: url, verifyCertificates: verify, caFile: caFile, principalFormat: principal, location: node.location)
    }

    /// `collections: { contacts, calendars, tasks, exclude, rewrite_addresses }`: which address books
    /// and calendars move; both sides need a `dav:` server.
    /// `davWritten`: the sides whose `dav:` is written (and reported on its own when it is wrong).
    mutating func decodeCollections(_ node: PlanNode, source: MailServer?, target: MailServer?, davWritten: Set<String>) -> CollectionRules? {
        guard let fields = fields(node, path: "collections", allowed: ["contacts", "calendars", "tasks", "exclude", "rewrite_addresses"]) else {
            return nil
        }
        var rules = CollectionRules(location: node.location)
        if let value = fields["contacts"] { rules.contacts = bool(value, path: "collections.contacts") ?? true }
        if let value = fields["calendars"] { rules.calendars = bool(value, path: "collections.calendars") ?? true }
        if let value = fields["tasks"] { rules.tasks = bool(value, path: "collections.tasks") ?? true }
        if let value = fields["exclude"] { rules.exclude = strings(value, path: "collections.exclude") ?? [] }
        if let value = fields["rewrite_addresses"] { rules.rewriteAddresses = bool(value, path: "collections.rewrite_addresses") ?? true }
        if rules.kinds.isEmpty {
            diagnostics.warning(node.location, "collections copies nothing: contacts, calendars and tasks are all false")
        }
        for (side, server) in [("source", source), ("target", target)] {
            if let server, server.dav == nil, !davWritten.contains(side) {
                diagnostics.error(node.location, "collections needs \(side).dav: the CalDAV/CardDAV server contacts and calendars come from and go to (dav: { url: https://… })")
            }
        }
        return rules
    }
}
