import MailMigAuthoritativeDNS

/// The JSON Schema of `dns.providers.NAME.manual`, which `mailmig schema` places at `#/$defs/manual`.
enum ManualSchema {
    /// The schema text: one schema object; its references point at the plan schema's shared definitions.
    static let json = #"""
        {
          "description": "A DNS host mailmig cannot drive: apply prints the records to set by hand and waits; a later apply checks them at the zone's servers. Write `manual: {}` (or `manual:`) to check at the zone's authoritative servers.",
          "type": [
            "object",
            "null"
          ],
          "additionalProperties": false,
          "properties": {
            "check_servers": \#(ZoneServerSettings.checkServersSchema(description: "Servers whose answers decide that the records are set (host or host:port; port 53 by default); the zone's authoritative servers, found through the system's resolver, when absent.")),
            "timeout": \#(ZoneServerSettings.timeoutSchema)
          }
        }
        """#
}
