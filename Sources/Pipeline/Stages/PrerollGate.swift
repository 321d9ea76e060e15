/// Drops the pre-roll frames decoded before `--from` (`VideoFrame.isPreroll`) once the stages
/// that remember earlier frames (`temporal`) have seen them, so that a shard of a file reaches
/// its first frame as a run from earlier would, and its outputs still start at `--from`.
final class PrerollGate: Stage {
    let name = "preroll"
    private var dropped = 0

    func process(_ item: PipelineItem, emit: (PipelineItem) throws -> Void) throws {
        if case .frame(let frame) = item, frame.picture.isPreroll {
            dropped += 1
            return
        }
        try emit(item)
    }

    var notes: [String] { ["preroll: \(dropped) frame(s) before --from warmed up the chain; their outputs were left out"] }
}
