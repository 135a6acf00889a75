import MailMigCore

extension PlanDecoder {
    /// Reads `state: local` (the default) or `state: { postgres: { url: env:…, schema: … } }`.
    mutating func decodeState(_ node: PlanNode) -> StateSettings {
        if case .scalar(let text, _) = node.content, text == "local" { return .local }
        guard let fields = fields(node, path: "state", allowed: ["postgres"]),
              let postgres = required(fields, "postgres"),
              let settings = self.fields(postgres, path: "state.postgres", allowed: ["url", "schema"]) else { return .local }
        let url = required(settings, "url").flatMap { secret($0, path: "state.postgres.url") }
        var schema: String?
        if let node = settings["schema"], let text = nonEmptyString(node, path: "state.postgres.schema") {
            if PostgresStateSettings.isValidSchema(text) { schema = text } else {
                diagnostics.error(node.location, "state.postgres.schema '\(text)' must be lower-case letters, digits and _, start with a letter or _ (not pg_), and be at most 63 characters")
            }
        }
        guard let url else { return .local }
        return .postgres(PostgresStateSettings(url: url, schema: schema, location: node.location))
    }
}
