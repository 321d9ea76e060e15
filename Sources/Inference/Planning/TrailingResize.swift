/// A linear Resize (or Upsample) that ended a graph and was cut from it at load time: the
/// model then gives the class scores at the network's own resolution, and the caller brings
/// them to full size (`Model(contentsOf:threads:classMap:cutTrailingResize:)`).
public struct TrailingResize: Sendable, Equatable {
    /// Whether the Resize aligned corners (`align_corners`) rather than pixel centres
    /// (`half_pixel`, `pytorch_half_pixel`).
    public let alignsCorners: Bool

    /// Removes the linear Resize that produces `graph`'s first output when that output is a
    /// rank-4 Float32 tensor and nothing else reads it; the Resize's input becomes the output
    /// (its spatial sizes undeclared).
    /// - Returns: the cut Resize, or nil when the graph does not end in one.
    static func cut(from graph: inout Graph) throws -> TrailingResize? {
        guard let output = graph.outputs.first, output.elementType == .float32, output.dimensions?.count ?? 4 == 4,
              let index = graph.nodes.firstIndex(where: { $0.outputs == [output.name] }),
              ["Resize", "Upsample"].contains(graph.nodes[index].opType),
              !graph.nodes.contains(where: { $0.inputs.contains(output.name) }) else { return nil }
        let node = graph.nodes[index]
        let resize = try Resize(node)
        guard resize.linear, ["half_pixel", "pytorch_half_pixel", "align_corners"].contains(resize.coordinateMode),
              let scores = node.inputs.first, !scores.isEmpty, !graph.outputs.contains(where: { $0.name == scores }) else { return nil }
        graph.nodes.remove(at: index)
        var cut = output
        cut.name = scores
        cut.dimensions = output.dimensions.map { [$0[0], $0[1], .symbolic("scores_height"), .symbolic("scores_width")] }
        graph.outputs[0] = cut
        return TrailingResize(alignsCorners: resize.coordinateMode == "align_corners")
    }
}
