#!/bin/sh
# Regenerates Sources/Inference/Proto/onnx.pb.swift from onnx.proto.
# Needs protoc (apt-get install -y protobuf-compiler); builds protoc-gen-swift
# from the swift-protobuf dependency into .build-protoc (gitignored).
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product protoc-gen-swift --scratch-path .build-protoc
protoc --plugin=protoc-gen-swift=.build-protoc/release/protoc-gen-swift \
  --swift_out=Sources/Inference/Proto --swift_opt=Visibility=Internal \
  -I Sources/Inference/Proto Sources/Inference/Proto/onnx.proto
