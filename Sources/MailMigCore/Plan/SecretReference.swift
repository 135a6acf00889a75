import Foundation

/// Where a secret lives: an environment variable or a file. Plans hold only these references.
///
/// The value is read at the last moment (when a connection is made), never while validating or
/// planning, and is never stored in state, saved plans, reports or logs.
public enum SecretReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `env:NAME`: the value of an environment variable.
    case environment(String)
    /// `file:PATH`: the contents of a file (one trailing newline removed); relative to the plan's folder.
    case file(String)

    /// Parses `env:NAME` or `file:PATH`; `nil` for anything else (a literal secret).
    public init?(parsing text: String) {
        if text.hasPrefix("env:") {
            let name = String(text.dropFirst(4))
            guard SecretReference.isTemplateEnvironmentName(name) else { return nil }
            self = .environment(name)
        } else if text.hasPrefix("file:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { return nil }
            self = .file(path)
        } else {
            return nil
        }
    }

    /// The reference as written in a plan; safe to print.
    public var description: String {
        switch self {
        case .environment(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        }
    }

    /// The reference with `{placeholder}`s filled in, for per-mailbox secrets.
    public func substituting(_ values: [String: String]) -> SecretReference {
        switch self {
        case .environment(let name): return .environment(Template.fill(name, with: values))
        case .file(let path): return .file(Template.fill(path, with: values))
        }
    }

    /// Reads the secret. `baseDirectory` resolves relative `file:` paths.
    public func resolve(
        baseDirectory: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SecretError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw SecretError(reference: self, reason: "the environment variable \(name) is not set")
            }
            SecretRedaction.register(value)
            return value
        case .file(let path):
            let url = baseDirectory.resolvingPlanPath(path)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw SecretError(reference: self, reason: "the file \(url.path) cannot be read")
            }
            guard var text = String(data: data, encoding: .utf8) else {
                throw SecretError(reference: self, reason: "the file \(url.path) is not UTF-8 text")
            }
            if text.hasSuffix("\r\n") { text.removeLast(1) } else if text.hasSuffix("\n") { text.removeLast() }
            guard !text.isEmpty else {
                throw SecretError(reference: self, reason: "the file \(url.path) is empty")
            }
            SecretRedaction.register(text)
            return text
        }
    }

    /// Environment names may carry `{placeholders}` for per-mailbox secrets: `[A-Za-z_{][A-Za-z0-9_{}]*`.
    static func isTemplateEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "{" || scalar == "}"
        }
    }
}

/// A secret reference could not be resolved. Names the reference, never a value.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    /// The reference that failed.
    public var reference: SecretReference
    /// Why it failed.
    public var reason: String

    /// One sentence for the user.
    public var description: String { "cannot read the secret \(reference): \(reason)" }
}
