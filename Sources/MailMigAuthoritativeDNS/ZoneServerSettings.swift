import MailMigCore

/// The settings every DNS provider kind shares, `check_servers` and `timeout`: one reading, one
/// wording and one schema for all of them.
public enum ZoneServerSettings {
    /// The seconds to wait for one answer when the plan gives no `timeout`.
    public static let defaultTimeout = 10

    /// The schema of `check_servers`, with the kind's own `description`, for a kind's schema text.
    public static func checkServersSchema(description: String) -> String {
        #"""
        {
                      "type": "array",
                      "items": {
                        "allOf": [
                          {
                            "$ref": "#/$defs/nonEmptyString"
                          },
                          {
                            "$ref": "#/$defs/hostPort"
                          }
                        ]
                      },
                      "description": "\#(description)"
                    }
        """#
    }

    /// The schema of `timeout` (1 second to 10 minutes, 10 seconds by default).
    public static let timeoutSchema = #"""
        {
                      "allOf": [
                        {
                          "$ref": "#/$defs/duration"
                        },
                        {
                          "if": {
                            "type": "integer"
                          },
                          "then": {
                            "minimum": 1,
                            "maximum": 600
                          }
                        }
                      ],
                      "description": "How long to wait for one answer: 1 second to 10 minutes; 10 seconds by default.",
                      "default": "10s",
                      "examples": [
                        "10s",
                        30
                      ]
                    }
        """#
}

extension PlanNodeDecoding {
    /// Reads `check_servers` of `settings`: `host` or `host:port` entries, each checked at its own
    /// position; an empty list when absent, `nil` when an entry is wrong.
    public mutating func checkServers(in settings: PlanFields) -> [String]? {
        guard let node = settings["check_servers"] else { return [] }
        guard let items = list(node, path: settings.path("check_servers")) else { return nil }
        var servers: [String] = []
        var valid = true
        for (index, item) in items.enumerated() {
            if hostPort(item, path: settings.path("check_servers") + "[\(index)]", defaultPort: 53) != nil {
                servers.append(item.scalarText ?? "")
            } else {
                valid = false
            }
        }
        return valid ? servers : nil
    }

    /// Reads `timeout` of `settings` in seconds (1 second to 10 minutes); the default when absent,
    /// `nil` when wrong.
    public mutating func timeoutSeconds(in settings: PlanFields) -> Int? {
        guard let node = settings["timeout"] else { return ZoneServerSettings.defaultTimeout }
        guard let duration = duration(node, path: settings.path("timeout")) else { return nil }
        guard duration.seconds >= 1, duration.seconds <= 600 else {
            diagnostics.error(node.location, "\(settings.path("timeout")) must be between 1s and 10m")
            return nil
        }
        return Int(duration.seconds)
    }
}
