/// The step of a conv kernel with packed weights (`DirectConv`, `LaneConv`): packs `w` now when
/// its weights are constant (else at every run), then runs work units 0..<units on up to
/// `context.threads` workers, each claiming ranges of units as it frees up and computing them
/// with its own `scratchFloats`-float slice of the context's scratch. `run` gets a unit, the
/// unit its worker computes next (if any, for prefetching) and the worker's slice.
func packedConvStep(w: Buffer, constantWeights: Bool, pack: @escaping (UnsafePointer<Float>) -> Void, units: Int,
                    scratchFloats: Int, context: PlanContext,
                    run: @escaping (_ unit: Int, _ next: Int?, _ scratch: UnsafeMutablePointer<Float>) -> Void) -> Step {
    if constantWeights { pack(w.floats) }
    let workers = min(context.threads, units), scratch = context.scratch
    scratch.reserve(floats: scratchFloats * workers)
    return {
        if !constantWeights { pack(w.floats) }
        parallelClaimed(units, threads: workers, grain: max(1, units / (16 * workers))) { worker, range in
            for u in range { run(u, u + 1 < range.upperBound ? u + 1 : nil, scratch.floats + worker * scratchFloats) }
        }
    }
}
