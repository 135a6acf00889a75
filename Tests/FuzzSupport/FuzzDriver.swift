import Foundation

/// A seeded mutation driver for the `Fuzz` suites: it mutates a growing corpus (inputs that parse
/// are kept as new seeds), runs for a time budget, and counts executions.
///
/// The budget is `MAILMIG_FUZZ_SECONDS` (default: one second, the bounded run of every test command),
/// the seed `MAILMIG_FUZZ_SEED` (default 1); a run is reproducible from both. With `MAILMIG_FUZZ_DIR` set,
/// the input under test is written to `DIR/current-NAME` before each execution, so after a crash it is
/// the input that crashed (scripts/faults/fuzz.sh keeps it).
public struct FuzzDriver {
    /// SplitMix64: small, fast and deterministic.
    public struct Generator: RandomNumberGenerator {
        var state: UInt64

        /// A generator started from `state`.
        public init(state: UInt64) { self.state = state }

        /// The next 64 random bits.
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The time budget in seconds.
    public static var seconds: Double {
        ProcessInfo.processInfo.environment["MAILMIG_FUZZ_SECONDS"].flatMap(Double.init) ?? 1
    }

    /// The seed.
    public static var seed: UInt64 {
        ProcessInfo.processInfo.environment["MAILMIG_FUZZ_SEED"].flatMap(UInt64.init) ?? 1
    }

    /// Bytes a mutation inserts: structure characters of the formats under test, and edge values.
    public let alphabet: [UInt8]
    /// The corpus; grows with inputs `run` reports as accepted.
    public var corpus: [[UInt8]]
    /// The random source, seeded from `seed`.
    public var generator = Generator(state: FuzzDriver.seed)
    /// Executions so far, and how many of them `run` accepted.
    public private(set) var executions = 0, accepted = 0
    private let currentFile: URL?

    /// A driver named `name` (for the crash file) over `seeds`.
    public init(name: String, seeds: [[UInt8]], alphabet: [UInt8]) {
        corpus = seeds
        self.alphabet = alphabet + [0, 0x7F, 0x80, 0xFF]
        currentFile = ProcessInfo.processInfo.environment["MAILMIG_FUZZ_DIR"].map { URL(fileURLWithPath: $0).appendingPathComponent("current-\(name)") }
    }

    /// One mutated input: 1–6 edits (replace, delete, insert, duplicate a run, truncate, splice another seed, big number).
    public mutating func mutant() -> [UInt8] {
        var bytes = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            guard !bytes.isEmpty else { bytes = [alphabet[0]]; continue }
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<8, using: &generator) {
            case 0: bytes[index] = alphabet.randomElement(using: &generator) ?? 0
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(alphabet.randomElement(using: &generator) ?? 0, at: index)
            case 3: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + Int.random(in: 1...32, using: &generator))], at: index)
            case 4: bytes = Array(bytes[..<index])
            case 5:
                let other = corpus[Int.random(in: 0..<corpus.count, using: &generator)]
                let start = Int.random(in: 0...other.count, using: &generator)
                bytes = Array(bytes[..<index]) + other[start...]
            case 6: bytes.insert(contentsOf: Array(["4294967296", "65535", "-1", "99999999999999999999", "0"].randomElement(using: &generator)?.utf8 ?? "0".utf8), at: index)
            default: bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
        }
        return bytes
    }

    /// Runs `body` on mutants until the budget is spent; `body` returns whether the input was accepted
    /// (a value rather than an error), and accepted inputs join the corpus (up to 2,000).
    public mutating func run(_ body: ([UInt8]) -> Bool) {
        let deadline = Date().addingTimeInterval(Self.seconds)
        var handle: FileHandle?
        if let currentFile {
            _ = FileManager.default.createFile(atPath: currentFile.path, contents: nil)
            handle = try? FileHandle(forWritingTo: currentFile)
        }
        defer { try? handle?.close() }
        while executions % 256 != 0 || Date() < deadline {
            let input = mutant()
            if let handle {
                try? handle.truncate(atOffset: 0)
                try? handle.write(contentsOf: input)
            }
            executions += 1
            if body(input) {
                accepted += 1
                if corpus.count < 2000, Int.random(in: 0..<8, using: &generator) == 0 { corpus.append(input) }
            }
        }
    }
}
