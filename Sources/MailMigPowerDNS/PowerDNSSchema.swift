import MailMigAuthoritativeDNS

/// The JSON Schema of `dns.providers.NAME.powerdns`, which `mailmig schema` places at `#/$defs/powerdns`.
enum PowerDNSSchema {
    /// The schema text: one schema object; its references point at the plan schema's shared definitions.
    static let json = #"""
        {
          "description": "A PowerDNS Authoritative server changed through its HTTP API (RRsets replaced with PATCH; not atomic: mailmig reads, checks, writes and reads back).",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "api_url",
            "api_key"
          ],
          "properties": {
            "api_url": {
              "type": "string",
              "pattern": "^https?://[^/]+/?$",
              "description": "The API's address without /api/v1: the webserver-address and webserver-port of pdns.conf.",
              "examples": [
                "http://127.0.0.1:8081",
                "https://pdns.acme.test"
              ]
            },
            "api_key": {
              "$ref": "#/$defs/secret",
              "description": "The API key (api-key of pdns.conf), by reference.",
              "examples": [
                "env:PDNS_API_KEY"
              ]
            },
            "server_id": {
              "$ref": "#/$defs/nonEmptyString",
              "description": "The server id in API paths. Default: `localhost`.",
              "default": "localhost"
            },
            "check_servers": \#(ZoneServerSettings.checkServersSchema(description: "Servers asked to confirm that changes are answered (host or host:port; port 53 by default); the API is read back when absent.")),
            "timeout": \#(ZoneServerSettings.timeoutSchema),
            "ca_file": {
              "$ref": "#/$defs/nonEmptyString",
              "description": "A CA certificate (PEM) to trust for an https api_url, relative to the plan file's folder; the system's trust store otherwise."
            }
          }
        }
        """#
}
