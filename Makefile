# OnnxScope: every step a fresh Debian machine needs, from setup to tests.
# `make demo` and `make test` do all set-up themselves.

SWIFT       ?= swift
APT_PKGS    := libprotobuf-c-dev protobuf-c-compiler libxxhash-dev pkg-config
PROTO       := proto/onnx.proto
GEN_DIR     := Sources/COnnx
GEN_C       := $(GEN_DIR)/onnx.pb-c.c
GEN_H       := $(GEN_DIR)/include/onnx.pb-c.h
DEMO_MODEL  := Fixtures/pytorch/tiny_gpt.torchscript.onnx

.PHONY: setup browser build release test demo proto proto-check bench clean

# Installs the system packages the build needs, only when one is missing.
setup:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Installs headless Chromium (Debian's chromium) for the HTML report tests, when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

test: setup
	$(SWIFT) build
	$(SWIFT) test

demo: setup
	$(SWIFT) build -c release --product onnxscope
	.build/release/onnxscope inspect $(DEMO_MODEL)

# Regenerates the protobuf-c bindings from proto/onnx.proto.
proto: setup
	@tmp=$$(mktemp -d) && \
	protoc-c --c_out=$$tmp -Iproto $(PROTO) && \
	mkdir -p $(GEN_DIR)/include && \
	cp $$tmp/onnx.pb-c.c $(GEN_C) && cp $$tmp/onnx.pb-c.h $(GEN_H) && rm -rf $$tmp && \
	echo "regenerated $(GEN_C) $(GEN_H)"

# Fails when the committed bindings differ from a fresh generation.
proto-check: setup
	@tmp=$$(mktemp -d) && \
	protoc-c --c_out=$$tmp -Iproto $(PROTO) && \
	if cmp -s $$tmp/onnx.pb-c.c $(GEN_C) && cmp -s $$tmp/onnx.pb-c.h $(GEN_H); then \
	  echo "proto-check: committed protobuf-c code is current"; rm -rf $$tmp; \
	else \
	  echo "proto-check: $(GEN_DIR) differs from a fresh protoc-c run on $(PROTO); run 'make proto' and commit"; \
	  diff -u $(GEN_C) $$tmp/onnx.pb-c.c | head -20; rm -rf $$tmp; exit 1; \
	fi

# Benchmark (not part of `make test`): release build, generated inputs (never committed)
# in $(BENCH_DIR), timings against `cat` and `onnx.load` (Python from
# ONNXSCOPE_BENCH_PYTHON, else python3, when it can import onnx). The Markdown table
# goes to stdout and to $(BENCH_DIR)/results.md. Needs ~6 GB of free disk.
BENCH_DIR   ?= $(or $(ONNXSCOPE_BENCH_DIR),/tmp/onnxscope-bench)
BENCH_RUNS  ?= 5

bench: setup
	$(SWIFT) build -c release --product onnxscope
	python3 Fixtures/bench/bench.py --bin .build/release/onnxscope --work $(BENCH_DIR) --runs $(BENCH_RUNS) \
	  --markdown $(BENCH_DIR)/results.md

clean:
	rm -rf .build
