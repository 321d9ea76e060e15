/// A stage that pipeline files can name: the keys it takes and how it reads them.
protocol FileStageSpec: StageSpec {
    /// The option keys a pipeline file may give the stage.
    static var keys: [String] { get }
    /// Sets the options `options` gives, keeping the defaults of the others.
    /// - Throws: `PipelineFileError` for a missing required key or a value of the wrong kind.
    mutating func read(_ options: Fields) throws
}

/// Every stage pipeline files can name, each with its defaults, in pipeline order.
/// Adding a stage: its spec (next to the stage) and one entry here.
enum StageRegistry {
    static let defaults: [any FileStageSpec] = [
        PreprocessSpec(), InferSpec(), TemporalSpec(), RefineSpec(), OverlaySpec(),
        VideoSpec(path: ""), LabelsSpec(path: ""), PNGsSpec(folder: ""), JSONSpec(path: ""), ClipsSpec(folder: "", when: ""),
    ]

    static var names: [String] { defaults.map(\.name) }

    /// The stage named `name`, with its defaults.
    static func stage(named name: String) -> (any FileStageSpec)? {
        defaults.first { $0.name == name }
    }
}
