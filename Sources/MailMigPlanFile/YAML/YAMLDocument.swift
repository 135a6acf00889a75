import Foundation
import MailMigCore
import Yams

/// Reads one YAML document into a `PlanNode` tree, turning every failure into a positioned diagnostic.
///
/// No input crashes or hangs this reader: size, encoding and control characters are checked first,
/// the text is pre-scanned for nesting and alias keys, and Yams runs on a thread with a large stack.
enum YAMLDocument {
    /// The outcome of reading a file: a root node when the YAML itself is well formed.
    struct Result: Sendable {
        var root: PlanNode?
        var diagnostics: [Diagnostic]
    }

    /// Reads YAML from raw bytes, as loaded from disk.
    static func read(_ data: [UInt8], file: String, limits: YAMLLimits = .standard) -> Result {
        func failure(_ line: Int, _ column: Int, _ message: String) -> Result {
            Result(root: nil, diagnostics: [
                Diagnostic(.error, at: SourceLocation(file: file, line: line, column: column), message)
            ])
        }
        if data.count > limits.maxFileSize {
            return failure(1, 1, "the file is \(data.count) bytes; plan files are limited to \(limits.maxFileSize) bytes")
        }
        switch TextValidation.check(data) {
        case .invalidUTF8(let line, let column):
            return failure(line, column, "the file is not valid UTF-8 text")
        case .controlCharacter(let line, let column, let scalar):
            let code = String(scalar.value, radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
            return failure(line, column, "the file contains the control character U+\(padded); plan files must be text")
        case .valid(let text):
            return read(text, file: file, limits: limits)
        }
    }

    /// Reads YAML from text that is already known to be valid UTF-8 without control characters.
    static func read(_ text: String, file: String, limits: YAMLLimits = .standard) -> Result {
        if let finding = YAMLPrescan.check(text) {
            return Result(root: nil, diagnostics: [
                Diagnostic(.error, at: SourceLocation(file: file, line: finding.line, column: finding.column), finding.message)
            ])
        }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.result = parseOnCurrentThread(text, file: file, limits: limits)
            done.signal()
        }
        // Yams composes recursively; the pre-scan bounds the depth, this bounds the stack it may use.
        thread.stackSize = 64 << 20
        thread.start()
        done.wait()
        return box.result ?? Result(root: nil, diagnostics: [])
    }

    private final class ResultBox: @unchecked Sendable {
        // Written once by the parsing thread before it signals, read after the wait.
        var result: Result?
    }

    private static func parseOnCurrentThread(_ text: String, file: String, limits: YAMLLimits) -> Result {
        let root: Node?
        do {
            root = try Parser(yaml: text, resolver: .default).singleRoot()
        } catch let error as YamlError {
            return Result(root: nil, diagnostics: [YAMLErrorTranslation.diagnostic(for: error, text: text, file: file)])
        } catch {
            return Result(root: nil, diagnostics: [
                Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: 1), "the YAML could not be read: \(error)")
            ])
        }
        guard let root else {
            return Result(root: nil, diagnostics: [
                Diagnostic(.error, at: SourceLocation(file: file, line: 1, column: 1), "the file is empty; expected a YAML mapping")
            ])
        }
        var converter = NodeConverter(file: file, limits: limits)
        do {
            let node = try converter.convert(root, depth: 0)
            return Result(root: node, diagnostics: [])
        } catch {
            return Result(root: nil, diagnostics: [error.diagnostic])
        }
    }
}

/// Turns Yams nodes into `PlanNode`s, counting nodes and depth so aliases cannot explode.
private struct NodeConverter {
    struct LimitExceeded: Error {
        var diagnostic: Diagnostic
    }

    let file: String
    let limits: YAMLLimits
    var count = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func convert(_ node: Node, depth: Int) throws(LimitExceeded) -> PlanNode {
        count += 1
        if count > limits.maxNodes {
            throw LimitExceeded(diagnostic: Diagnostic(.error, at: location(node),
                "the document expands to more than \(limits.maxNodes) values (through aliases?); plans are limited to that"))
        }
        if depth > limits.maxDepth {
            throw LimitExceeded(diagnostic: Diagnostic(.error, at: location(node),
                "the document nests deeper than \(limits.maxDepth) levels"))
        }
        switch node {
        case .scalar(let scalar):
            return PlanNode(content: .scalar(text: scalar.string, kind: kind(of: node)), location: location(node))
        case .mapping(let mapping):
            var pairs: [PlanNode.Pair] = []
            pairs.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                pairs.append(PlanNode.Pair(key: try convert(key, depth: depth + 1), value: try convert(value, depth: depth + 1)))
            }
            return PlanNode(content: .mapping(pairs), location: location(node))
        case .sequence(let sequence):
            var items: [PlanNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                items.append(try convert(item, depth: depth + 1))
            }
            return PlanNode(content: .sequence(items), location: location(node))
        case .alias:
            throw LimitExceeded(diagnostic: Diagnostic(.error, at: location(node), "unresolved alias"))
        }
    }

    func kind(of node: Node) -> PlanNode.ScalarKind {
        switch node.tag.rawValue {
        case Tag.Name.int.rawValue: return .int
        case Tag.Name.float.rawValue: return .float
        case Tag.Name.bool.rawValue: return .bool
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.timestamp.rawValue: return .timestamp
        default: return .string
        }
    }
}
