import MailMigAuthoritativeDNS

/// The JSON Schema of `dns.providers.NAME.rfc2136`, which `mailmig schema` places at `#/$defs/rfc2136`.
enum RFC2136Schema {
    /// The schema text: one schema object; its references point at the plan schema's shared definitions.
    static let json = #"""
        {
          "description": "RFC 2136 dynamic updates signed with TSIG, as BIND, Knot, PowerDNS and Windows DNS accept them.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "server",
            "key"
          ],
          "properties": {
            "server": {
              "$ref": "#/$defs/hostPort",
              "description": "The primary server that accepts updates: host or host:port (port 53 by default).",
              "examples": [
                "127.0.0.1:53",
                "ns1.acme.test"
              ]
            },
            "key": {
              "description": "The TSIG key that signs updates.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "name",
                "secret"
              ],
              "properties": {
                "name": {
                  "$ref": "#/$defs/nonEmptyString",
                  "description": "The key's name as the DNS server knows it.",
                  "examples": [
                    "mailmig-key"
                  ]
                },
                "algorithm": {
                  "type": "string",
                  "enum": [
                    "hmac-sha256",
                    "hmac-sha512"
                  ],
                  "description": "The TSIG algorithm. Default: `hmac-sha256`.",
                  "default": "hmac-sha256"
                },
                "secret": {
                  "$ref": "#/$defs/secret",
                  "description": "The base64 key secret, by reference.",
                  "examples": [
                    "file:secrets/tsig.key"
                  ]
                }
              }
            },
            "check_servers": \#(ZoneServerSettings.checkServersSchema(description: "Servers asked, besides the primary, to confirm that changes have spread (host or host:port); the primary only when absent.")),
            "timeout": \#(ZoneServerSettings.timeoutSchema)
          }
        }
        """#
}
