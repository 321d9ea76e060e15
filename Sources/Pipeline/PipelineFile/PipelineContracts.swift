/// A pipeline whose stages cannot work in the order given: which stage (its index in
/// `PipelineSpec.stages`; nil for the pipeline as a whole) and why.
public struct StageOrderError: Error, CustomStringConvertible, Sendable {
    public let stage: Int?
    public let description: String
}

extension PipelineSpec {
    /// Each stage's contract where it stands: derived back to front (a stage gives what the
    /// stages after it take), then checked front to back (a stage comes right after the stages
    /// it must follow, appears at most once unless repeatable, and finds every field it takes
    /// set by a stage before it).
    /// - Throws: `StageOrderError` naming the first stage that cannot work where it is, or the
    ///   pipeline when it writes no output.
    public func contracts() throws(StageOrderError) -> [StageContract] {
        var later = Set<FrameField>()
        var contracts = [StageContract]()
        for stage in stages.reversed() {
            var contract = stage.contract(later: later)
            contract.later = later
            contracts.append(contract)
            later = later.subtracting(contract.gives).union(contract.takes)
        }
        contracts.reverse()
        for (index, (stage, contract)) in zip(stages, contracts).enumerated() {
            if let follows = contract.follows, index == 0 || !follows.contains(stages[index - 1].name) {
                let names = follows.sorted().map { "'\($0)'" }.joined(separator: " or ")
                throw StageOrderError(stage: index, description: "'\(stage.name)' must come right after \(names)")
            }
            if !contract.repeatable, stages[..<index].contains(where: { $0.name == stage.name }) {
                throw StageOrderError(stage: index, description: "'\(stage.name)' is given twice; a pipeline runs it once")
            }
        }
        var available: Set<FrameField> = [.picture]
        for (index, (stage, contract)) in zip(stages, contracts).enumerated() {
            if let field = contract.takes.subtracting(available).min() {
                throw StageOrderError(stage: index, description: "'\(stage.name)' takes \(field.phrase), which \(Self.givers(of: field)) gives: put it before '\(stage.name)'")
            }
            available.formUnion(contract.gives)
        }
        guard stages.contains(where: { $0 is any SinkSpec }) else {
            let sinks = StageRegistry.defaults.filter { $0 is any SinkSpec }.map(\.name)
            throw StageOrderError(stage: nil, description: "no output: add \(sinks.dropLast().joined(separator: ", ")) or \(sinks.last!)")
        }
        return contracts
    }

    /// The registered stages that can give `field`, in words.
    private static func givers(of field: FrameField) -> String {
        let names = StageRegistry.defaults.filter { $0.contract(later: [field]).gives.contains(field) }.map { "'\($0.name)'" }
        return names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.first ?? "no stage"
    }
}
