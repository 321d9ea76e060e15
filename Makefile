# segstream: `make demo` sets up, builds and runs the demo; `make test` sets up and runs all tests.
SWIFT ?= swift
DEMO_INPUT ?= fixtures/videos/dashcam-sample.mp4
DEMO_TRUTH ?= fixtures/videos/dashcam-sample.labels.mkv

.PHONY: deps build demo test test-scale bench bench-segment clean

deps:
	@tools/install-deps.sh

build: deps
	$(SWIFT) build -c release

# Segments the bundled clip with the bundled model, then scores it against the clip's ground truth.
demo: build
	@mkdir -p out
	.build/release/segstream probe $(DEMO_INPUT)
	.build/release/segstream segment $(DEMO_INPUT) -o out/demo.mp4 --labels-out out/demo.labels.mkv \
		--json out/demo.jsonl --legend --smooth --refine --preset veryfast --stats
	.build/release/segstream eval --truth $(DEMO_TRUTH) --pred out/demo.labels.mkv
	@echo "wrote out/demo.mp4, out/demo.labels.mkv, out/demo.jsonl"

# Tests run on an optimised build (with testing enabled): they run real models on real video. Then
# the scale-out tests (Ray, Slurm, Kubernetes), for each engine that can be installed here.
test:
	@tools/install-deps.sh --test
	$(SWIFT) test -c release -Xswiftc -enable-testing
	@tools/test-scale.sh

# Only the scale-out tests, on the build `make test` or `make build` made.
test-scale:
	@tools/test-scale.sh

bench: build
	tools/bench/bench-transcode.sh

# Needs fixtures/models/roadseg.onnx, fixtures/videos/dashcam-sample.mp4 and a Python with av,
# numpy, onnxruntime (PYTHON=..., see tools/bench/bench_python_pipeline.py).
bench-segment: build
	tools/bench/bench-segment.sh

clean:
	rm -rf .build out
