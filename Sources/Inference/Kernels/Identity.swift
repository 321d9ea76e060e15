/// Identity, and Dropout in inference mode (also an identity). A view.
struct Identity: Kernel {
    let node: Node

    init(_ node: Node) throws {
        self.node = node
        if node.opType == "Dropout", node.outputs.count > 1, !node.outputs[1].isEmpty {
            throw node.error("the mask output is not supported; export the model in eval mode")
        }
    }

    var isView: Bool { true }

    func outputs(_ inputs: [ValueInfo?]) throws -> [TensorDesc] { [try node.required(inputs, 0).desc] }

    func step(_ inputs: [Buffer?], _ outputs: [Buffer], _ context: PlanContext) throws -> Step { {} }

    /// Plain identity (Dropout at inference too), the test oracle.
    static func reference(_ x: TensorValue) -> TensorValue { x }
}
