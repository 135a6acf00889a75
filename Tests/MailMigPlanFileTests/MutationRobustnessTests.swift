import Foundation
import FuzzSupport
import Testing
import MailMigCore
@testable import MailMigPlanFile

/// Thousands of damaged variants of a good plan: each loads or fails with a positioned error, never crashes.
@Suite struct MutationRobustnessTests {
    typealias SeededGenerator = FuzzDriver.Generator

    static let alphabet = Array(" :-[]{},&*!|>'\"#%@`\t\n\r\u{0}aZ9.é🙂?".utf8)

    static func mutate(_ bytes: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            guard !result.isEmpty else { break }
            let position = Int.random(in: 0..<result.count, using: &generator)
            switch Int.random(in: 0..<7, using: &generator) {
            case 0: result.remove(at: position)
            case 1: result.insert(alphabet.randomElement(using: &generator) ?? 32, at: position)
            case 2: result[position] = alphabet.randomElement(using: &generator) ?? 32
            case 3: result = Array(result[..<position])
            case 4:
                let lines = result.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                var shuffled = lines
                if lines.count > 2 {
                    let a = Int.random(in: 0..<lines.count, using: &generator)
                    let b = Int.random(in: 0..<lines.count, using: &generator)
                    shuffled.swapAt(a, b)
                }
                result = Array(shuffled.joined(separator: [UInt8(ascii: "\n")]))
            case 5:
                let end = min(result.count, position + Int.random(in: 1...40, using: &generator))
                result.insert(contentsOf: result[position..<end], at: position)
            default:
                result[position] = UInt8.random(in: 0...255, using: &generator)
            }
        }
        return result
    }

    @Test(arguments: [1, 2, 3, 4])
    func mutatedPlansNeverCrash(seed: Int) {
        var generator = SeededGenerator(state: UInt64(seed))
        let original = Array(PlanFixtures.complete.utf8)
        var loaded = 0
        var rejected = 0
        for _ in 0..<500 {
            let mutated = Self.mutate(original, using: &generator)
            let result = PlanLoader.load(bytes: mutated, file: "m.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"), dnsKinds: PlanFixtures.dnsKinds)
            if result.plan != nil {
                loaded += 1
                #expect(result.errors.isEmpty)
            } else {
                rejected += 1
                #expect(!result.errors.isEmpty, "a rejected plan must say why")
                for error in result.errors {
                    #expect(error.location.line >= 1 && error.location.column >= 1)
                    #expect(!error.message.isEmpty)
                }
            }
        }
        #expect(loaded + rejected == 500)
        #expect(rejected > 100, "mutations should break most plans")
    }
}
