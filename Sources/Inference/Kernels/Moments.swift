/// The mean of `count` floats at `p`, and 1 / sqrt(variance + epsilon), in two passes: the
/// statistics LayerNormalization and InstanceNormalization normalize by.
func normalizationMoments(_ p: UnsafePointer<Float>, count: Int, epsilon: Float) -> (mean: Float, inverseDeviation: Float) {
    var sum: Float = 0
    for i in 0..<count { sum += p[i] }
    let mean = sum / Float(count)
    var squares: Float = 0
    for i in 0..<count { let d = p[i] - mean; squares += d * d }
    return (mean, 1 / (squares / Float(count) + epsilon).squareRoot())
}

/// `values` normalized to mean 0 and variance 1 (plus `epsilon`), in Double: the test oracles'
/// counterpart of `normalizationMoments`.
func referenceNormalized(_ values: ArraySlice<Float>, epsilon: Float) -> [Double] {
    let doubles = values.map(Double.init)
    let mean = doubles.reduce(0, +) / Double(doubles.count)
    let variance = doubles.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(doubles.count)
    return doubles.map { ($0 - mean) / (variance + Double(epsilon)).squareRoot() }
}
