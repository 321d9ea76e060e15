/// COCO run-length encoding of binary masks, byte-for-byte as pycocotools writes it.
///
/// Runs are counted in column-major order starting with a run of zeros (possibly empty; see
/// `LabelMap.maskRuns()`), and packed into pycocotools' compact string (`rleToString` in
/// maskApi.c), so `pycocotools.mask.decode({"size": [h, w], "counts": counts})` gives the mask back.
public enum COCORLE {
    /// pycocotools' compact string for `runs`.
    public static func string(_ runs: [Int]) -> String {
        var bytes: [UInt8] = []
        for (i, run) in runs.enumerated() {
            var x = run - (i > 2 ? runs[i - 2] : 0)
            var more = true
            while more {
                var c = x & 0x1f
                x >>= 5
                more = (c & 0x10) != 0 ? x != -1 : x != 0
                if more { c |= 0x20 }
                bytes.append(UInt8(c + 48))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
