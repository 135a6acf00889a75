extension PlanNodeDecoding {
    /// A secret field: only `env:NAME` or `file:PATH` are accepted, so a secret is never written in the plan.
    public mutating func secret(_ node: PlanNode, path: String) -> SecretReference? {
        guard case .scalar(let text, _) = node.content, !node.isNull else {
            typeMismatch(node, path: path, expected: "a secret reference (env:NAME or file:PATH)")
            return nil
        }
        if let reference = SecretReference(parsing: text) {
            checkPlaceholders(text, at: node.location, path: path)
            return reference
        }
        if text.hasPrefix("env:") {
            diagnostics.error(node.location, "\(displayPath(path)) names an invalid environment variable; write env:NAME with letters, digits and _")
        } else {
            // Never echo the text: it is probably the secret itself.
            diagnostics.error(node.location, "\(displayPath(path)) must be a secret reference, not the secret itself: write env:NAME or file:PATH")
        }
        return nil
    }

    /// Reports `{placeholders}` a mailbox does not fill in (`Template.mailboxKeys`), with a suggestion.
    public mutating func checkPlaceholders(_ template: String, at location: SourceLocation, path: String) {
        for key in Template.placeholders(in: template) where !Template.mailboxKeys.contains(key) {
            var message = "unknown placeholder '{\(key)}' in \(path)"
            if let suggestion = closestMatch(to: key, in: Template.mailboxKeys.sorted()) {
                message += " (did you mean '{\(suggestion)}'?)"
            } else {
                message += "; available: " + Template.mailboxKeys.sorted().map { "{\($0)}" }.joined(separator: ", ")
            }
            diagnostics.error(location, message)
        }
    }

    /// A duration as a whole number of seconds or text like `30d`.
    public mutating func duration(_ node: PlanNode, path: String) -> PlanDuration? {
        if case .scalar(let text, .int) = node.content, let seconds = Int64(text), seconds >= 0 {
            return PlanDuration(seconds: seconds, text: "\(seconds)s")
        }
        guard case .scalar(let text, .string) = node.content, let value = PlanDuration(parsing: text) else {
            diagnostics.error(node.location, "\(displayPath(path)) must be a duration like 30d, 48h, 15m or 1d12h, found \(describe(node))")
            return nil
        }
        return value
    }

    /// A size as a whole number of bytes or text like `35MB`.
    public mutating func byteSize(_ node: PlanNode, path: String) -> ByteSize? {
        if case .scalar(let text, .int) = node.content, let bytes = Int64(text), bytes >= 0 {
            return ByteSize(bytes: bytes)
        }
        guard case .scalar(let text, .string) = node.content, let value = ByteSize(parsing: text) else {
            diagnostics.error(node.location, "\(displayPath(path)) must be a size like 35MB, 512KiB or 1GB, found \(describe(node))")
            return nil
        }
        return value
    }

    /// A mailbox address.
    public mutating func address(_ node: PlanNode, path: String) -> EmailAddress? {
        guard let text = string(node, path: path) else { return nil }
        guard let address = EmailAddress(text) else {
            diagnostics.error(node.location, "\(displayPath(path)) must be an address like user@example.com, found '\(text)'")
            return nil
        }
        return address
    }

    /// `host`, `host:port` or `[v6]:port`; the port is plain digits from 1 to 65535.
    public mutating func hostPort(_ node: PlanNode, path: String, defaultPort: Int) -> (host: String, port: Int)? {
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
    public static func plainNumber<T: FixedWidthInteger>(_ text: some StringProtocol, as: T.Type) -> T? {
        guard !text.isEmpty, text.count <= 20, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return T(text)
    }
}
