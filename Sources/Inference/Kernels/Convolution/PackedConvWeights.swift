import CKernels

/// Conv weights packed for the `CKernels` tiles: per group, [ceil(M / SS_CONV_BLOCK)][taps][SS_CONV_BLOCK],
/// zero past the group's M output channels.
final class PackedConvWeights {
    let outputs: Int, taps: Int, groups: Int
    /// Floats per group.
    let perGroup: Int
    let floats: UnsafeMutablePointer<Float>

    /// `outputs` channels per group, `taps` = input channels per group x kernel height x width.
    init(outputs: Int, taps: Int, groups: Int = 1) {
        self.outputs = outputs
        self.taps = taps
        self.groups = groups
        let block = Int(SS_CONV_BLOCK)
        perGroup = (outputs + block - 1) / block * block * taps
        floats = .allocate(capacity: max(perGroup * groups, 1))
    }

    deinit { floats.deallocate() }

    /// Repacks `w` [groups x outputs, taps] (ONNX's [M, C/group, kh, kw]).
    func pack(_ w: UnsafePointer<Float>) {
        let block = Int(SS_CONV_BLOCK)
        floats.update(repeating: 0, count: perGroup * groups)
        for gi in 0..<groups {
            let dst = floats + gi * perGroup
            for o in 0..<outputs {
                let src = w + (gi * outputs + o) * taps, b = dst + (o / block) * taps * block + o % block
                for k in 0..<taps { b[k * block] = src[k] }
            }
        }
    }
}
