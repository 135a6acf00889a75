import Foundation
import MailMigCore

extension PlanDecoder {
    /// The plan keys naming what kind of system a side is; exactly one of them is written.
    static let storeKeys = ["imap", "pop3", "maildir"]

    /// Reads `source:` or `target:`.
    mutating func decodeServer(_ written: PlanNode, path: String) -> MailServer? {
        let (node, preset) = applyPreset(to: written, path: path)
        guard let fields = fields(node, path: path,
                                  allowed: Self.storeKeys + ["login", "connections", "throttling", "provision", "enumerate", "pop3_folder", "dav"]) else {
            return nil
        }
        let kinds = Self.storeKeys.filter { fields.has($0) }
        guard let key = kinds.first else {
            diagnostics.error(node.location, "\(path) needs one of imap, pop3 or maildir: the kind of system and where it is (or a preset)")
            return nil
        }
        for extra in kinds.dropFirst() {
            diagnostics.error(fields.keyLocation(extra), "\(path) is one system: it has \(key) already, so \(extra) cannot be given too")
        }
        var access: MailAccess?
        switch key {
        case "imap":
            access = fields["imap"].flatMap { decodeEndpoint($0, path: fields.path("imap"), ports: (993, 143)) }.map { .imap($0) }
        case "pop3":
            if path != "source" {
                diagnostics.error(fields.keyLocation("pop3"), "pop3 can only be a source: mailmig reads a POP3 maildrop and never writes to one")
            }
            var folder = "INBOX"
            if let node = fields["pop3_folder"], let name = nonEmptyString(node, path: fields.path("pop3_folder")) {
                folder = name
                if !Self.isFolderPath(name) {
                    diagnostics.error(node.location, "\(fields.path("pop3_folder")) '\(name)' is not a valid folder path: use '/' between levels, no empty levels (INBOX, Archive/Old POP)")
                }
            }
            access = fields["pop3"].flatMap { decodeEndpoint($0, path: fields.path("pop3"), ports: (995, 110)) }.map { .pop3($0, folder: folder) }
        default:
            access = fields["maildir"].flatMap { decodeMaildir($0, path: fields.path("maildir")) }.map { .maildir(path: $0) }
        }
        if key != "pop3", fields.has("pop3_folder") {
            diagnostics.error(fields.keyLocation("pop3_folder"), "\(path).pop3_folder belongs to a pop3 source")
        }
        var login: LoginSettings?
        if key == "maildir" {
            if fields.has("login") {
                diagnostics.warning(fields.keyLocation("login"), "\(path).login is not used: a Maildir tree is read and written without logging in")
            }
        } else {
            login = required(fields, "login").flatMap { decodeLogin($0, path: fields.path("login"), pop3: key == "pop3") }
        }
        var connections = MailServer.defaultConnections
        if let node = fields["connections"] {
            connections = int(node, path: fields.path("connections"), range: 1...256) ?? connections
        }
        let throttling = fields["throttling"].map { decodeThrottling($0, path: fields.path("throttling")) } ?? ThrottlingSettings()
        var provision: Provisioning?
        if let node = fields["provision"] {
            if path == "source" {
                diagnostics.error(fields.keyLocation("provision"), "provision belongs to the target: mailmig never creates mailboxes on the source")
            } else {
                provision = decodeProvisioning(node, path: fields.path("provision"))
            }
        }
        var enumerate: [String]?
        if let node = fields["enumerate"] {
            if path == "source" {
                enumerate = decodeEnumerate(node, path: fields.path("enumerate"))
            } else {
                diagnostics.error(fields.keyLocation("enumerate"), "enumerate belongs to the source: it lists the mailboxes `mailmig discover` looks at")
            }
        }
        guard let access, key == "maildir" || login != nil else { return nil }
        var server = MailServer(access: access, login: login, connections: connections, provision: provision, enumerate: enumerate,
                                throttling: throttling, location: node.location)
        server.preset = preset
        server.dav = fields["dav"].flatMap { decodeDAV($0, path: fields.path("dav")) }
        if fields.has("dav") {
            if key == "maildir" {
                diagnostics.error(fields.keyLocation("dav"), "\(path).dav needs a login, which a maildir side has none of: name the side's mail server (imap) with its login")
            } else if login?.style == .authzid {
                diagnostics.error(fields.keyLocation("dav"), "\(path).dav cannot log in with login style authzid (HTTP has no authorization identity): use per-mailbox, master-user or oauth2")
            }
        }
        return server
    }

    /// `throttling: { recover_after: 30s, give_up_after: 1h }`: how the connections adapt to throttling.
    private mutating func decodeThrottling(_ node: PlanNode, path: String) -> ThrottlingSettings {
        var settings = ThrottlingSettings()
        guard let fields = fields(node, path: path, allowed: ["recover_after", "give_up_after"]) else { return settings }
        if let value = fields["recover_after"], let duration = duration(value, path: fields.path("recover_after")) {
            if duration.seconds < 1 {
                diagnostics.error(value.location, "\(fields.path("recover_after")) must be at least 1s: the time without throttling before one more connection is allowed")
            } else {
                settings.recoverAfter = duration.seconds
            }
        }
        if let value = fields["give_up_after"], let duration = duration(value, path: fields.path("give_up_after")) {
            if duration.seconds < 1 {
                diagnostics.error(value.location, "\(fields.path("give_up_after")) must be at least 1s: how long a mailbox may be throttled in a row before its pass fails")
            } else {
                settings.giveUpAfter = duration.seconds
            }
        }
        return settings
    }

    /// `maildir: { path: backups/{address} }`: the tree of each mailbox, a template with mailbox placeholders.
    private mutating func decodeMaildir(_ node: PlanNode, path: String) -> String? {
        guard let fields = fields(node, path: path, allowed: ["path"]) else { return nil }
        guard let pathNode = required(fields, "path"), let template = nonEmptyString(pathNode, path: fields.path("path")) else { return nil }
        checkPlaceholders(template, at: pathNode.location, path: fields.path("path"))
        if Template.placeholders(in: template).isEmpty {
            diagnostics.error(pathNode.location, "\(fields.path("path")) must hold a mailbox placeholder such as {address}, so each mailbox has its own tree")
        }
        return template
    }

    /// `ports`: the protocol's default for implicit TLS and for the others.
    private mutating func decodeEndpoint(_ node: PlanNode, path: String, ports: (implicit: Int, plain: Int)) -> ServerEndpoint? {
        guard let fields = fields(node, path: path, allowed: ["host", "port", "tls", "ca_file", "verify_certificates"]) else {
            return nil
        }
        let host = required(fields, "host").flatMap { nonEmptyString($0, path: fields.path("host")) }
        var tls = TLSMode.implicit
        if let node = fields["tls"] {
            tls = choice(node, path: fields.path("tls"), as: TLSMode.self) ?? tls
        }
        var port = tls == .implicit ? ports.implicit : ports.plain
        if let node = fields["port"] {
            port = int(node, path: fields.path("port"), range: 1...65_535) ?? port
        }
        let caFile = fields["ca_file"].flatMap { nonEmptyString($0, path: fields.path("ca_file")) }
        var verify = true
        if let node = fields["verify_certificates"] {
            verify = bool(node, path: fields.path("verify_certificates")) ?? true
        }
        guard let host else { return nil }
        if tls == .none, !Self.isLoopback(host) {
            diagnostics.warning(fields.keyLocation("tls"), "\(path) uses no TLS with \(host): passwords and mail cross the network in clear text")
        }
        if !verify {
            diagnostics.warning(fields.keyLocation("verify_certificates"), "certificate verification is off for \(path): anyone on the network path could impersonate \(host)")
        }
        if caFile != nil, tls == .none {
            diagnostics.warning(fields.keyLocation("ca_file"), "\(path).ca_file has no effect with tls: none")
        }
        if let caFile, let node = fields["ca_file"] { checkCertificateFile(caFile, at: node.location, path: fields.path("ca_file")) }
        return ServerEndpoint(host: host, port: port, tls: tls, caFile: caFile, verifyCertificates: verify)
    }

    /// With `pop3`, an OAuth 2 token is refused: the POP3 client logs in with USER/PASS or AUTH PLAIN.
    private mutating func decodeLogin(_ node: PlanNode, path: String, pop3: Bool) -> LoginSettings? {
        guard let fields = fields(node, path: path, allowed: ["admin", "style", "user_format", "password", "master_separator", "oauth2"]) else {
            return nil
        }
        // `oauth2:` alone says how every mailbox logs in.
        var style = fields.has("oauth2") ? LoginSettings.Style.oauth2 : .masterUser
        if let node = fields["style"] {
            guard let value = choice(node, path: fields.path("style"), as: LoginSettings.Style.self) else { return nil }
            style = value
        }
        let admin = fields["admin"].flatMap { decodeCredential($0, path: fields.path("admin")) }
        if pop3, admin?.oauth2Token != nil, let adminNode = fields["admin"], case .mapping(let pairs) = adminNode.content,
           let token = pairs.first(where: { $0.key.scalarText == "oauth2_token" }) {
            diagnostics.error(token.key.location, "\(path).admin.oauth2_token is not available for POP3: log in with a password (USER/PASS or AUTH PLAIN)")
        }
        var userFormat = "{address}"
        if let node = fields["user_format"], let format = nonEmptyString(node, path: fields.path("user_format")) {
            checkPlaceholders(format, at: node.location, path: fields.path("user_format"))
            userFormat = format
        }
        var password: SecretReference?
        if let node = fields["password"] {
            password = secret(node, path: fields.path("password"))
        }
        var separator = "*"
        if let node = fields["master_separator"] {
            separator = nonEmptyString(node, path: fields.path("master_separator")) ?? separator
        }
        let oauth2 = fields["oauth2"].flatMap { decodeOAuth2($0, path: fields.path("oauth2")) }
        if pop3, let key = fields["oauth2"] {
            diagnostics.error(key.location, "\(path).oauth2 is not available for POP3: log in with a password (USER/PASS or AUTH PLAIN)")
        }
        if style != .oauth2, fields.has("oauth2") {
            diagnostics.error(fields.keyLocation("oauth2"), "\(path).oauth2 is for style oauth2; style \(style.rawValue) does not use it")
        }
        switch style {
        case .oauth2:
            if !fields.has("oauth2") {
                diagnostics.error(fields.node.location, "\(path) uses style oauth2, which needs oauth2: { client_credentials | jwt_bearer | refresh_token | command }")
            }
            for key in ["admin", "password"] where fields.has(key) {
                diagnostics.error(fields.keyLocation(key), "\(path).\(key) is not used with style oauth2: every mailbox logs in as itself with a token")
            }
        case .masterUser, .authzid:
            if !fields.has("admin") {
                diagnostics.error(fields.node.location, "\(path) uses style \(style.rawValue), which needs an admin login: add admin: { user: …, password: env:… }")
            }
            if fields.has("password") {
                diagnostics.error(fields.keyLocation("password"), "\(path).password is for style per-mailbox; style \(style.rawValue) logs in with the admin's password")
            }
        case .perMailbox:
            if fields.has("admin") {
                diagnostics.warning(fields.keyLocation("admin"), "\(path).admin is not used with style per-mailbox")
            }
        }
        return LoginSettings(admin: admin, style: style, userFormat: userFormat, password: password, masterSeparator: separator, oauth2: oauth2)
    }

    /// `login.oauth2`: exactly one grant, and the mechanism.
    private mutating func decodeOAuth2(_ node: PlanNode, path: String) -> OAuth2Login? {
        let grants = ["client_credentials", "jwt_bearer", "refresh_token", "command"]
        guard let fields = fields(node, path: path, allowed: grants + ["mechanism"]) else { return nil }
        var mechanism: OAuth2Login.Mechanism?
        if let node = fields["mechanism"] { mechanism = choice(node, path: fields.path("mechanism"), as: OAuth2Login.Mechanism.self) }
        // In the order written, so the error points at the second one.
        let given = grants.filter { fields.has($0) }.sorted {
            let (a, b) = (fields.keyLocation($0), fields.keyLocation($1))
            return (a.line, a.column) < (b.line, b.column)
        }
        guard let key = given.first else {
            diagnostics.error(fields.node.location, "\(path) needs one grant: client_credentials, jwt_bearer, refresh_token or command")
            return nil
        }
        for extra in given.dropFirst() {
            diagnostics.error(fields.keyLocation(extra), "\(path) takes one grant: it has \(key) already, so \(extra) cannot be given too")
        }
        guard let grantNode = fields[key] else { return nil }
        let grantPath = fields.path(key)
        let grant: OAuth2Login.Grant?
        switch key {
        case "client_credentials":
            guard let grantFields = self.fields(grantNode, path: grantPath, allowed: ["token_url", "client_id", "client_secret", "scope"]) else { return nil }
            let url = tokenURL(grantFields, required: true)
            let clientID = required(grantFields, "client_id").flatMap { nonEmptyString($0, path: grantFields.path("client_id")) }
            let secretRef = required(grantFields, "client_secret").flatMap { secret($0, path: grantFields.path("client_secret")) }
            let scope = grantFields["scope"].flatMap { nonEmptyString($0, path: grantFields.path("scope")) }
            guard let url, let clientID, let secretRef else { return nil }
            grant = .clientCredentials(tokenURL: url, clientID: clientID, clientSecret: secretRef, scope: scope)
        case "jwt_bearer":
            guard let grantFields = self.fields(grantNode, path: grantPath, allowed: ["key_file", "subject", "scope", "token_url"]) else { return nil }
            let keyFile = required(grantFields, "key_file").flatMap { nonEmptyString($0, path: grantFields.path("key_file")) }
            var subject: String?
            if let node = grantFields["subject"], let text = nonEmptyString(node, path: grantFields.path("subject")) {
                checkPlaceholders(text, at: node.location, path: grantFields.path("subject"))
                subject = text
            }
            let scope = required(grantFields, "scope").flatMap { nonEmptyString($0, path: grantFields.path("scope")) }
            let url = tokenURL(grantFields, required: false)
            if let keyFile, let node = grantFields["key_file"] {
                checkServiceAccountKey(keyFile, at: node.location, path: grantFields.path("key_file"), tokenURLGiven: url != nil)
            }
            guard let keyFile, let scope else { return nil }
            grant = .jwtBearer(keyFile: keyFile, subject: subject, scope: scope, tokenURL: url)
        case "refresh_token":
            guard let grantFields = self.fields(grantNode, path: grantPath, allowed: ["token_url", "client_id", "client_secret", "refresh_token", "scope"]) else {
                return nil
            }
            let url = tokenURL(grantFields, required: true)
            let clientID = required(grantFields, "client_id").flatMap { nonEmptyString($0, path: grantFields.path("client_id")) }
            let secretRef = grantFields["client_secret"].flatMap { secret($0, path: grantFields.path("client_secret")) }
            let refresh = required(grantFields, "refresh_token").flatMap { secret($0, path: grantFields.path("refresh_token")) }
            let scope = grantFields["scope"].flatMap { nonEmptyString($0, path: grantFields.path("scope")) }
            guard let url, let clientID, let refresh else { return nil }
            grant = .refreshToken(tokenURL: url, clientID: clientID, clientSecret: secretRef, refreshToken: refresh, scope: scope)
        default:
            grant = command(grantNode, path: grantPath).map { .command($0) }
        }
        return grant.map { OAuth2Login(grant: $0, mechanism: mechanism) }
    }

    /// `token_url`: https, or http on a loopback address only (tokens and secrets never cross a network in clear).
    private mutating func tokenURL(_ fields: PlanFields, required isRequired: Bool) -> String? {
        guard let node = isRequired ? required(fields, "token_url") : fields["token_url"] else { return nil }
        guard let text = nonEmptyString(node, path: fields.path("token_url")) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty else {
            diagnostics.error(node.location, "\(fields.path("token_url")) must be a URL such as https://login.microsoftonline.com/TENANT/oauth2/v2.0/token")
            return nil
        }
        guard scheme == "https" || (scheme == "http" && Self.isLoopback(host)) else {
            diagnostics.error(node.location, "\(fields.path("token_url")) must use https: tokens and client secrets never cross a network in clear (http only on 127.0.0.1)")
            return nil
        }
        return text
    }

    private mutating func decodeCredential(_ node: PlanNode, path: String) -> Credential? {
        guard let fields = fields(node, path: path, allowed: ["user", "password", "oauth2_token"]) else { return nil }
        let user = required(fields, "user").flatMap { nonEmptyString($0, path: fields.path("user")) }
        let password = fields["password"].flatMap { secret($0, path: fields.path("password")) }
        let token = fields["oauth2_token"].flatMap { secret($0, path: fields.path("oauth2_token")) }
        if !fields.has("password"), !fields.has("oauth2_token") {
            diagnostics.error(fields.node.location, "\(path) needs password or oauth2_token (as env:NAME or file:PATH)")
        }
        if fields.has("password"), fields.has("oauth2_token") {
            diagnostics.error(fields.keyLocation("oauth2_token"), "\(path) takes password or oauth2_token, not both")
        }
        guard let user else { return nil }
        return Credential(user: user, password: password, oauth2Token: token)
    }

    private mutating func decodeProvisioning(_ node: PlanNode, path: String) -> Provisioning? {
        guard let fields = fields(node, path: path, allowed: ["check", "create"]) else { return nil }
        let check = fields["check"].flatMap { command($0, path: fields.path("check")) }
        let create = required(fields, "create").flatMap { command($0, path: fields.path("create")) }
        guard let create else { return nil }
        return Provisioning(check: check, create: create)
    }

    /// `source.enumerate`: a program and its arguments, as words; no placeholders (it runs once, not per mailbox).
    private mutating func decodeEnumerate(_ node: PlanNode, path: String) -> [String]? {
        guard let items = list(node, path: path) else { return nil }
        guard !items.isEmpty else {
            diagnostics.error(node.location, "\(path) must name a program and its arguments, e.g. [doveadm, user, \"*\"]")
            return nil
        }
        var words: [String] = []
        for (index, item) in items.enumerated() {
            guard let word = nonEmptyString(item, path: "\(path)[\(index)]") else { return nil }
            words.append(word)
        }
        return words
    }

    /// A command as a list of words, never a shell string, so addresses cannot inject shell syntax.
    private mutating func command(_ node: PlanNode, path: String) -> [String]? {
        guard let items = list(node, path: path) else { return nil }
        guard !items.isEmpty else {
            diagnostics.error(node.location, "\(path) must name a program and its arguments, e.g. [./create-user.sh, \"{target}\"]")
            return nil
        }
        var words: [String] = []
        for (index, item) in items.enumerated() {
            guard let word = nonEmptyString(item, path: "\(path)[\(index)]") else { return nil }
            checkPlaceholders(word, at: item.location, path: path)
            words.append(word)
        }
        return words
    }

    static func isLoopback(_ host: String) -> Bool {
        LoopbackHost.contains(host)
    }

    /// A `ca_file` that exists must hold a PEM certificate: a key, an empty file or a certificate in
    /// DER form fails every TLS connection later with a message about trust, not about the file. One
    /// that does not exist yet is left to the connection (a test setup may create it after `validate`).
    /// A `key_file` that exists must be Google's JSON key (`client_email`, a PEM `private_key`, and
    /// `token_uri` unless the plan gives `token_url`); one that does not exist yet is left to the first
    /// login, like a `ca_file` (the RSA key itself is read then).
    private mutating func checkServiceAccountKey(_ file: String, at location: SourceLocation, path: String, tokenURLGiven: Bool) {
        guard let (url, data) = existingFile(file, at: location, path: path) else { return }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            diagnostics.error(location, "\(path) \(url.path) is not a service account key: expected the JSON key file the provider's console downloads")
            return
        }
        var missing: [String] = []
        if (object["client_email"] as? String)?.isEmpty != false { missing.append("client_email") }
        if (object["private_key"] as? String)?.contains("PRIVATE KEY-----") != true { missing.append("private_key (PEM)") }
        if !tokenURLGiven, (object["token_uri"] as? String)?.isEmpty != false { missing.append("token_uri (or give token_url in the plan)") }
        if !missing.isEmpty {
            diagnostics.error(location, "\(path) \(url.path) is not a usable service account key: it lacks \(missing.joined(separator: ", "))")
        }
    }

    mutating func checkCertificateFile(_ file: String, at location: SourceLocation, path: String) {
        guard let (url, data) = existingFile(file, at: location, path: path) else { return }
        if !String(decoding: data.prefix(1 << 20), as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") {
            diagnostics.error(location, "\(path) \(url.path) holds no certificate: expected PEM text with a -----BEGIN CERTIFICATE----- block")
        }
    }

    /// The contents of a file the plan names, when it exists; nil when it does not (left to the
    /// connection or login that uses it) or cannot be read (an error at its place).
    private mutating func existingFile(_ file: String, at location: SourceLocation, path: String) -> (URL, Data)? {
        let url = baseDirectory.resolvingPlanPath(file)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: url.path) else {
            diagnostics.error(location, "\(path) \(url.path) cannot be read as a file")
            return nil
        }
        return (url, data)
    }
}
