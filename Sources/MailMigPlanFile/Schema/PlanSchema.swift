import MailMigCore

/// The JSON Schema of plan files, format 1, for the DNS provider kinds a build knows.
///
/// The format's own part is generated from `schemas/plan.v1.schema.json` (`formatJSON`); each
/// registered `DNSProviderKind` adds its settings' schema at `#/$defs/<key>` and its key to
/// `#/$defs/dnsProvider`. With the standard build's kinds the text is that file, byte for byte.
public enum PlanSchema {
    /// The schema text, with the kinds registered in `dnsKinds`.
    public static func json(dnsKinds: DNSProviderRegistry) throws(PlanSchemaError) -> String {
        var schema = try parse(formatJSON, part: "the plan format's own schema")
        guard var definitions = schema["$defs"], var provider = definitions["dnsProvider"] else {
            throw PlanSchemaError(part: "the plan format's own schema", reason: "it has no $defs/dnsProvider")
        }
        var properties: [(key: String, value: JSONValue)] = []
        for kind in dnsKinds.all {
            let part = "the schema of the DNS provider kind '\(kind.key)'"
            let fragment = try parse(kind.schema, part: part)
            guard case .object = fragment else { throw PlanSchemaError(part: part, reason: "it is not a JSON object") }
            guard definitions[kind.key] == nil else {
                throw PlanSchemaError(part: part, reason: "the plan schema already defines $defs/\(kind.key)")
            }
            definitions.set(kind.key, fragment, before: "dnsProvider")
            var reference = JSONValue.object([("$ref", .string("#/$defs/\(kind.key)"))])
            if let description = fragment["description"] { reference["description"] = description }
            properties.append((kind.key, reference))
        }
        // A provider names exactly one kind.
        if properties.count == 1 {
            provider.set("required", .array([.string(properties[0].key)]), before: "properties")
        } else {
            provider.set("minProperties", .number("1"), before: "properties")
            provider.set("maxProperties", .number("1"), before: "properties")
        }
        provider["properties"] = .object(properties)
        definitions["dnsProvider"] = provider
        schema["$defs"] = definitions
        return schema.indentedText + "\n"
    }

    private static func parse(_ text: String, part: String) throws(PlanSchemaError) -> JSONValue {
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw PlanSchemaError(part: part, reason: "it is not valid JSON (\(error))")
        }
    }
}

/// A part of the plan schema could not be used; names the part and why.
public struct PlanSchemaError: Error, Sendable, CustomStringConvertible {
    /// The part: the format's own schema or a DNS provider kind's.
    public var part: String
    /// Why it could not be used.
    public var reason: String

    /// One sentence for the user.
    public var description: String { "cannot assemble the plan schema: \(part) cannot be used, because \(reason)" }
}
