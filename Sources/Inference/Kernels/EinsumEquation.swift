/// A parsed einsum equation: one term per operand and the output's, each a list of letters
/// with at most one `...`. Without `->` the output is numpy's: the `...` axes, then the
/// letters used exactly once, sorted.
struct EinsumEquation {
    enum Subscript: Equatable {
        case letter(Character)
        case ellipsis
    }

    let operands: [[Subscript]]
    let output: [Subscript]

    /// The equation's terms with `...` replaced by one placeholder label per broadcast axis,
    /// aligned to the right across operands.
    struct Terms {
        var operands: [[Character]]
        var output: [Character]
    }

    init?(_ text: String) {
        let compact = text.filter { !$0.isWhitespace }
        let sides = compact.components(separatedBy: "->")
        guard (1...2).contains(sides.count) else { return nil }
        let terms = sides[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        operands = terms.compactMap(EinsumEquation.term)
        guard operands.count == terms.count else { return nil }
        if sides.count == 2 {
            guard let output = EinsumEquation.term(sides[1]) else { return nil }
            let letters = output.compactMap { if case .letter(let c) = $0 { c } else { nil } }
            let used = Set(self.operands.joined().compactMap { if case .letter(let c) = $0 { c } else { nil } })
            guard Set(letters).count == letters.count, letters.allSatisfy(used.contains) else { return nil }
            self.output = output
        } else {
            let letters = self.operands.joined().compactMap { if case .letter(let c) = $0 { c } else { nil } }
            let once = Set(letters).filter { c in letters.filter { $0 == c }.count == 1 }.sorted()
            let ellipsis = self.operands.contains { $0.contains(.ellipsis) }
            self.output = (ellipsis ? [.ellipsis] : []) + once.map { .letter($0) }
        }
    }

    private static func term(_ text: String) -> [Subscript]? {
        var result: [Subscript] = []
        var rest = Substring(text)
        while let c = rest.first {
            if rest.hasPrefix("...") {
                guard !result.contains(.ellipsis) else { return nil }
                result.append(.ellipsis)
                rest = rest.dropFirst(3)
            } else {
                guard c.isASCII, c.isLetter else { return nil }
                result.append(.letter(c))
                rest = rest.dropFirst()
            }
        }
        return result
    }

    /// The terms for operands of these ranks, or nil when a rank does not fit its term.
    func expanded(ranks: [Int]) -> Terms? {
        guard ranks.count == operands.count else { return nil }
        var broadcastRank = 0
        for (term, rank) in zip(operands, ranks) {
            let letters = term.filter { $0 != .ellipsis }.count
            guard term.contains(.ellipsis) ? rank >= letters : rank == letters else { return nil }
            broadcastRank = max(broadcastRank, rank - letters)
        }
        let placeholders = (0..<broadcastRank).map { Character(Unicode.Scalar(0x2460 + $0)!) }
        func labels(_ term: [Subscript], axes: Int) -> [Character] {
            term.flatMap { s -> [Character] in
                switch s {
                case .letter(let c): return [c]
                case .ellipsis: return Array(placeholders.suffix(axes))
                }
            }
        }
        let operandLabels = zip(operands, ranks).map { term, rank in labels(term, axes: rank - term.filter { $0 != .ellipsis }.count) }
        return Terms(operands: operandLabels, output: labels(output, axes: broadcastRank))
    }
}
