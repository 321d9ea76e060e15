import Foundation

/// Decodes `TensorProto` initializers, with every size checked against the bytes
/// actually present before anything is allocated.
struct TensorDecoder {
    /// The model file, for error messages and for resolving external data.
    let modelURL: URL
    /// Largest element count accepted for one tensor (2^31), well above any real model.
    static let maxElements = 1 << 31

    func decode(_ proto: Onnx_TensorProto) throws -> TensorValue {
        let name = proto.name
        var shape: [Int] = []
        var count = 1
        for d in proto.dims {
            guard d >= 0, d <= Int64(Self.maxElements) else { throw fail(name, "dimension \(d) is out of range") }
            let (p, overflow) = count.multipliedReportingOverflow(by: Int(d))
            guard !overflow, p <= Self.maxElements else { throw fail(name, "shape \(proto.dims) has too many elements") }
            shape.append(Int(d))
            count = p
        }
        guard let width = Self.byteWidth(proto.dataType) else {
            throw fail(name, "data type \(proto.dataType) is not supported (use float32, float16, double or an integer type)")
        }
        let isFloat = [1, 10, 11, 16].contains(proto.dataType)
        if proto.dataLocation == .external {
            let bytes = try readExternal(proto, expected: count * width)
            return try fromRaw(bytes, type: proto.dataType, shape: shape, count: count, isFloat: isFloat)
        }
        if !proto.rawData.isEmpty || count == 0 {
            guard proto.rawData.count == count * width else {
                throw fail(name, "raw_data has \(proto.rawData.count) bytes but shape \(shape) needs \(count * width)")
            }
            return try fromRaw(proto.rawData, type: proto.dataType, shape: shape, count: count, isFloat: isFloat)
        }
        return try fromTyped(proto, shape: shape, count: count, isFloat: isFloat)
    }

    /// Bytes per element of an ONNX data type, or nil when unsupported.
    static func byteWidth(_ type: Int32) -> Int? {
        switch type {
        case 1, 6, 12: return 4          // float, int32, uint32
        case 2, 3, 9: return 1           // uint8, int8, bool
        case 4, 5, 10, 16: return 2      // uint16, int16, float16, bfloat16
        case 7, 11, 13: return 8         // int64, double, uint64
        default: return nil
        }
    }

    private func fromRaw(_ bytes: Data, type: Int32, shape: [Int], count: Int, isFloat: Bool) throws -> TensorValue {
        if isFloat {
            var out = [Float](repeating: 0, count: count)
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    switch type {
                    case 1: out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian)
                    case 10: out[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian))
                    case 16: out[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian) << 16)
                    default: out[i] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self).littleEndian))
                    }
                }
            }
            return .float32(Tensor(shape: shape, data: out))
        }
        var out = [Int64](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                switch type {
                case 2, 9: out[i] = Int64(raw.load(fromByteOffset: i, as: UInt8.self))
                case 3: out[i] = Int64(raw.load(fromByteOffset: i, as: Int8.self))
                case 4: out[i] = Int64(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self).littleEndian)
                case 5: out[i] = Int64(raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self).littleEndian)
                case 6: out[i] = Int64(raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self).littleEndian)
                case 12: out[i] = Int64(raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian)
                default: out[i] = raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self).littleEndian
                }
            }
        }
        return .int64(Int64Tensor(shape: shape, data: out))
    }

    private func fromTyped(_ proto: Onnx_TensorProto, shape: [Int], count: Int, isFloat: Bool) throws -> TensorValue {
        let name = proto.name
        func check(_ n: Int) throws {
            guard n == count else { throw fail(name, "has \(n) values but shape \(shape) needs \(count)") }
        }
        switch proto.dataType {
        case 1:
            try check(proto.floatData.count)
            return .float32(Tensor(shape: shape, data: proto.floatData))
        case 11:
            try check(proto.doubleData.count)
            return .float32(Tensor(shape: shape, data: proto.doubleData.map { Float($0) }))
        case 10, 16:
            try check(proto.int32Data.count)
            let bits = proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }
            let data = bits.map { proto.dataType == 10 ? Float(Float16(bitPattern: $0)) : Float(bitPattern: UInt32($0) << 16) }
            return .float32(Tensor(shape: shape, data: data))
        case 7:
            try check(proto.int64Data.count)
            return .int64(Int64Tensor(shape: shape, data: proto.int64Data))
        case 12, 13:
            try check(proto.uint64Data.count)
            return .int64(Int64Tensor(shape: shape, data: proto.uint64Data.map { Int64(truncatingIfNeeded: $0) }))
        default:
            try check(proto.int32Data.count)
            return .int64(Int64Tensor(shape: shape, data: proto.int32Data.map { Int64($0) }))
        }
    }

    /// Reads an initializer stored in a file beside the model, after checking that the
    /// location stays inside the model's folder and the byte range exists.
    private func readExternal(_ proto: Onnx_TensorProto, expected: Int) throws -> Data {
        let name = proto.name
        var location = "", offset = 0, length: Int?
        for entry in proto.externalData {
            switch entry.key {
            case "location": location = entry.value
            case "offset":
                guard let v = Int(entry.value), v >= 0 else { throw fail(name, "external data offset '\(entry.value)' is invalid") }
                offset = v
            case "length":
                guard let v = Int(entry.value), v >= 0 else { throw fail(name, "external data length '\(entry.value)' is invalid") }
                length = v
            default: break
            }
        }
        guard !location.isEmpty, !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw fail(name, "external data location '\(location)' must be a relative path inside the model's folder")
        }
        let size = length ?? expected
        guard size == expected else { throw fail(name, "external data length \(size) does not match its shape (\(expected) bytes)") }
        let url = modelURL.deletingLastPathComponent().appendingPathComponent(location)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw fail(name, "external data file \(url.path) cannot be opened; keep it beside the model")
        }
        defer { try? handle.close() }
        let fileSize = (try? handle.seekToEnd()).map { Int($0) } ?? 0
        guard offset <= fileSize, size <= fileSize - offset else {
            throw fail(name, "external data file \(location) has \(fileSize) bytes, too short for offset \(offset) + length \(size)")
        }
        try handle.seek(toOffset: UInt64(offset))
        guard let data = try handle.read(upToCount: size), data.count == size else {
            throw fail(name, "external data file \(location) could not be read")
        }
        return data
    }

    private func fail(_ tensor: String, _ reason: String) -> InferenceError {
        .malformedModel(path: modelURL.path, reason: "initializer '\(tensor)' \(reason)")
    }
}
