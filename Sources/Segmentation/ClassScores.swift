import CSegmentationKernels

/// One image's class scores (`classes x height x width` Float32, planar), viewed in the
/// batch's output array without copying it. They may be at the network's own resolution,
/// below the picture's: `LabelUpsampler` brings them up.
public struct ClassScores: Sendable {
    public let classes: Int
    public let width: Int
    public let height: Int
    /// Whether the scores' corner pixels sit on the picture's corners when brought up
    /// (align_corners) rather than pixel centres on pixel centres (half_pixel).
    public var alignsCorners = false
    private let storage: [Float]
    private let offset: Int

    /// The image at `offset` in `storage` (a batch of such images, back to back).
    public init(storage: [Float], offset: Int, classes: Int, width: Int, height: Int) {
        precondition(offset >= 0 && offset + classes * width * height <= storage.count, "scores lie outside their storage")
        self.storage = storage
        self.offset = offset
        self.classes = classes
        self.width = width
        self.height = height
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[offset..<(offset + classes * width * height)]))
        }
    }

    /// The class with the highest score at each pixel, at the scores' resolution.
    public var argmax: LabelMap {
        withUnsafeBufferPointer { LabelMap(argmaxOf: $0, classes: classes, width: width, height: height) }
    }
}

extension ClassScores {
    /// The scores resampled bilinearly to `width x height` (pixel centres on pixel centres, or
    /// corners on corners when `alignsCorners`), e.g. the scores of a reduced-size run of the
    /// model brought to those of a full-size one.
    public func resized(width: Int, height: Int) -> ClassScores {
        if width == self.width && height == self.height { return self }
        let columns = BilinearTap.taps(count: width, sourceCount: self.width, alignsCorners: alignsCorners)
        let rows = BilinearTap.taps(count: height, sourceCount: self.height, alignsCorners: alignsCorners)
        let taps = ColumnTaps(columns)
        let (plane, sourcePlane) = (width * height, self.width * self.height)
        var mixed = [Float](repeating: 0, count: self.width)
        let values = [Float](unsafeUninitializedCapacity: classes * plane) { output, count in
            withUnsafeBufferPointer { source in
                for c in 0..<classes {
                    for (y, tap) in rows.enumerated() {
                        let planeStart = source.baseAddress! + c * sourcePlane
                        ss_upsample_row(planeStart + tap.first * self.width, planeStart + tap.second * self.width, tap.weight,
                                        Int64(self.width), taps.first, taps.second, taps.weight, Int64(width), &mixed,
                                        output.baseAddress! + c * plane + y * width)
                    }
                }
            }
            count = classes * plane
        }
        var resized = ClassScores(storage: values, offset: 0, classes: classes, width: width, height: height)
        resized.alignsCorners = alignsCorners
        return resized
    }
}
