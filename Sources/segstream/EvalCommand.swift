import ArgumentParser
import Foundation
import Pipeline
import Segmentation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score predicted labels against ground truth (IoU, mIoU, boundary F, flicker).",
        discussion: "Both inputs are label videos (gray8, pixel value = class id, 255 = ignore), e.g. from --labels-out."
    )

    @Option(help: "Ground-truth label video.")
    var truth: String

    @Option(help: "Predicted label video.")
    var pred: String

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func run() throws {
        let labels = LabelSet.cityscapes
        let evaluator = try LabelVideoEvaluation.evaluate(truth: truth, predicted: pred, classes: labels.count)
        let report = EvalReport(evaluator, labels: labels)
        print(json ? try report.json() : report.text)
    }
}

/// The figures `segstream eval` prints.
struct EvalReport: Encodable {
    struct ClassIoU: Encodable {
        var id: Int
        var name: String
        /// null when the class is absent from both truth and prediction.
        var iou: Double?

        enum CodingKeys: String, CodingKey { case id, name, iou }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(iou, forKey: .iou)
        }
    }

    var frames: Int
    var miou: Double
    var pixelAccuracy: Double
    var boundaryF: Double
    var temporalFlicker: Double
    var perClass: [ClassIoU]

    init(_ evaluator: SegmentationEvaluator, labels: LabelSet) {
        frames = evaluator.frames
        miou = evaluator.confusion.meanIoU
        pixelAccuracy = evaluator.confusion.pixelAccuracy
        boundaryF = evaluator.boundaryF
        temporalFlicker = evaluator.temporalFlicker
        perClass = evaluator.confusion.iou.enumerated().map { ClassIoU(id: $0.offset, name: labels.names[$0.offset], iou: $0.element) }
    }

    func json() throws -> String {
        let encoder = JSONEncoder.segstream(pretty: true)
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    var text: String {
        var lines = ["class              IoU"]
        for entry in perClass {
            let name = entry.name.padding(toLength: 16, withPad: " ", startingAt: 0)
            lines.append("\(name) " + (entry.iou.map { String(format: "%6.3f", $0) } ?? "     -"))
        }
        lines.append(String(format: "mIoU             %6.3f", miou))
        lines.append(String(format: "pixel accuracy   %6.3f", pixelAccuracy))
        lines.append(String(format: "boundary F       %6.3f", boundaryF))
        lines.append(String(format: "temporal flicker %6.4f  (share of stable-truth pixels whose label changed)", temporalFlicker))
        lines.append("frames           \(frames)")
        return lines.joined(separator: "\n")
    }
}
