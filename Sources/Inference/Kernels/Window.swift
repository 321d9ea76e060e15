/// Resolved 2-D geometry of a convolution or pooling window over an NCHW input.
struct Geometry: Equatable {
    var kh, kw, sh, sw, dh, dw: Int
    var padTop, padLeft, padBottom, padRight: Int
    var inH, inW, outH, outW: Int

    /// A 1x1 window, stride 1, no padding: output pixel p reads input pixel p.
    var isPointwise: Bool { kh == 1 && kw == 1 && sh == 1 && sw == 1 && padTop + padLeft + padBottom + padRight == 0 }
}

/// The window attributes shared by Conv, ConvTranspose and the pooling ops
/// (`kernel_shape`, `strides`, `dilations`, `pads`, `auto_pad`, `ceil_mode`), validated at load.
struct WindowAttributes {
    var kernelShape: [Int]?
    var strides: [Int]
    var dilations: [Int]
    var pads: [Int]
    var autoPad: String
    var ceilMode: Bool

    init(_ node: Node) throws {
        kernelShape = try node.ints("kernel_shape")
        strides = try node.ints("strides") ?? [1, 1]
        dilations = try node.ints("dilations") ?? [1, 1]
        pads = try node.ints("pads") ?? [0, 0, 0, 0]
        autoPad = try node.string("auto_pad", default: "NOTSET")
        ceilMode = try node.int("ceil_mode", default: 0) != 0
        if let k = kernelShape, k.count != 2 || k.contains(where: { $0 < 1 }) {
            throw node.error("only 2-D windows are supported; kernel_shape is \(k)")
        }
        guard strides.count == 2, strides.allSatisfy({ $0 >= 1 }) else { throw node.attributeError("strides", "must be two positive integers, got \(strides)") }
        guard dilations.count == 2, dilations.allSatisfy({ $0 >= 1 }) else { throw node.attributeError("dilations", "must be two positive integers, got \(dilations)") }
        guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else { throw node.attributeError("pads", "must be four non-negative integers, got \(pads)") }
        guard ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"].contains(autoPad) else {
            throw node.attributeError("auto_pad", "must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got \(autoPad)")
        }
    }

    /// The attributes of a pooling node, which must give `kernel_shape`.
    init(pooling node: Node) throws {
        try self.init(node)
        guard kernelShape != nil else { throw node.attributeError("kernel_shape", "is required") }
    }

    /// The geometry of a pooling window (kernel from `kernel_shape`) over an NCHW input `x`.
    func poolGeometry(_ node: Node, input x: [Int]) throws -> Geometry {
        let k = kernelShape!
        return try resolve(node, inH: x[2], inW: x[3], kh: k[0], kw: k[1])
    }

    /// The geometry for an input of `inH`x`inW` and a `kh`x`kw` kernel.
    func resolve(_ node: Node, inH: Int, inW: Int, kh: Int, kw: Int) throws -> Geometry {
        var g = Geometry(kh: kh, kw: kw, sh: strides[0], sw: strides[1], dh: dilations[0], dw: dilations[1],
                         padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3],
                         inH: inH, inW: inW, outH: 0, outW: 0)
        func axis(_ input: Int, _ k: Int, _ s: Int, _ d: Int, _ begin: inout Int, _ end: inout Int) throws -> Int {
            let extent = (k - 1) * d + 1
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                let out = (input + s - 1) / s
                let total = max(0, (out - 1) * s + extent - input)
                let small = total / 2
                (begin, end) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
                return out
            case "VALID":
                (begin, end) = (0, 0)
            default: break
            }
            let span = input + begin + end - extent
            guard span >= 0 else { throw node.error("window \(extent) is larger than the padded input \(input + begin + end)") }
            var out = (ceilMode ? (span + s - 1) / s : span / s) + 1
            if ceilMode, (out - 1) * s >= input + begin { out -= 1 }
            return out
        }
        g.outH = try axis(inH, kh, g.sh, g.dh, &g.padTop, &g.padBottom)
        g.outW = try axis(inW, kw, g.sw, g.dw, &g.padLeft, &g.padRight)
        return g
    }
}

extension Node {
    /// Checks that `info` is a 4-D NCHW Float32 tensor.
    func requireNCHW(_ info: ValueInfo) throws {
        try requireFloat(info)
        guard info.shape.count == 4 else { throw error("input must be 4-D NCHW, got shape \(info.shape)") }
    }
}
