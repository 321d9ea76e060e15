# segstream: `make demo` sets up, builds and runs the demo; `make test` sets up and runs all tests.
SWIFT ?= swift
DEMO_INPUT ?= fixtures/videos/test/audio.mp4
DEMO_OUTPUT ?= out/demo.mp4

.PHONY: deps build demo test bench bench-segment clean

deps:
	@tools/install-deps.sh

build: deps
	$(SWIFT) build -c release

demo: build
	@mkdir -p out
	.build/release/segstream probe $(DEMO_INPUT)
	.build/release/segstream transcode $(DEMO_INPUT) -o $(DEMO_OUTPUT) --stats
	@echo "wrote $(DEMO_OUTPUT)"

test:
	@tools/install-deps.sh --test
	$(SWIFT) test

bench: build
	tools/bench-transcode.sh

# Needs fixtures/models/roadseg.onnx, fixtures/videos/dashcam-sample.mp4 and a Python with av,
# numpy, onnxruntime (PYTHON=..., see tools/bench_python_pipeline.py).
bench-segment: build
	tools/bench-segment.sh

clean:
	rm -rf .build out
