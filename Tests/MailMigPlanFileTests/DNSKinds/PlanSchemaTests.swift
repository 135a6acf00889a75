import Foundation
import MailMigCore
@testable import MailMigPlanFile
import Testing

/// `mailmig schema`: the format's part of the schema with each registered kind's settings.
@Suite("Plan file: the JSON Schema with the DNS provider kinds")
struct PlanSchemaTests {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("with the standard kinds (RFC 2136, PowerDNS, manual), the schema is schemas/plan.v1.schema.json byte for byte")
    func standardSchema() throws {
        let file = PlanFixtures.repositoryRoot.appendingPathComponent("schemas/plan.v1.schema.json")
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(try PlanSchema.json(dnsKinds: PlanFixtures.allDNSKinds) == expected)
    }

    @Test("a test-only kind's schema joins $defs, and a provider then takes exactly one of the kinds")
    func testKindSchema() throws {
        var registry = PlanFixtures.dnsKinds
        registry.register(TestDNSKind.kind)
        let schema = try Self.object(try PlanSchema.json(dnsKinds: registry))
        let definitions = try #require(schema["$defs"] as? [String: Any])
        let fake = try #require(definitions["fake"] as? [String: Any])
        #expect(fake["required"] as? [String] == ["endpoint", "zones"])
        let provider = try #require(definitions["dnsProvider"] as? [String: Any])
        let properties = try #require(provider["properties"] as? [String: [String: String]])
        #expect(properties["fake"] == ["$ref": "#/$defs/fake", "description": "A DNS system that exists only in the tests."])
        #expect(properties["rfc2136"]?["$ref"] == "#/$defs/rfc2136")
        #expect(provider["minProperties"] as? Int == 1 && provider["maxProperties"] as? Int == 1)
        #expect(provider["required"] == nil)
    }

    @Test("without kinds the schema accepts no provider; a kind with a broken schema is one sentence")
    func brokenKinds() throws {
        let schema = try Self.object(try PlanSchema.json(dnsKinds: DNSProviderRegistry()))
        let provider = try #require((schema["$defs"] as? [String: Any])?["dnsProvider"] as? [String: Any])
        #expect((provider["properties"] as? [String: Any])?.isEmpty == true)
        #expect(provider["maxProperties"] as? Int == 1)

        var broken = DNSProviderRegistry()
        broken.register(DNSProviderKind(key: "broken", schema: "{ \"type\": ", decode: TestDNSKind.decode, make: TestDNSKind.make))
        #expect(throws: PlanSchemaError.self) { try PlanSchema.json(dnsKinds: broken) }
        do {
            _ = try PlanSchema.json(dnsKinds: broken)
        } catch {
            #expect(error.description == "cannot assemble the plan schema: the schema of the DNS provider kind 'broken' cannot be used, because it is not valid JSON (expected a value at byte 10)")
        }
        var clash = DNSProviderRegistry()
        clash.register(DNSProviderKind(key: "secret", schema: "{}", decode: TestDNSKind.decode, make: TestDNSKind.make))
        #expect(throws: PlanSchemaError.self) { try PlanSchema.json(dnsKinds: clash) }
    }

    @Test("JSON text reads and prints back unchanged: order, escapes and non-ASCII text")
    func jsonRoundTrip() throws {
        let text = "{\n  \"b\": [\n    1,\n    -2.5e3,\n    true,\n    null\n  ],\n  \"a\": \"q\\\"\\\\\\n\\u0001 é ✓\",\n  \"c\": {},\n  \"d\": []\n}"
        #expect(try JSONValue(parsing: text).indentedText == text)
        #expect(try JSONValue(parsing: "\"\\ud83d\\ude00\"") == .string("😀"))
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: "{\"a\": 1,}") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: "[1] 2") }
    }
}
