# OnnxScope: every step a fresh Debian machine needs, from setup to tests.
# `make demo` and `make test` do all set-up themselves.

SWIFT       ?= swift
APT_PKGS    := libprotobuf-c-dev protobuf-c-compiler libxxhash-dev libmimalloc-dev pkg-config python3-jsonschema cmark-gfm
PROTO       := proto/onnx.proto
GEN_DIR     := Sources/COnnx
GEN_C       := $(GEN_DIR)/onnx.pb-c.c
GEN_H       := $(GEN_DIR)/include/onnx.pb-c.h
DEMO_MODEL  := Fixtures/pytorch/tiny_gpt.torchscript.onnx

.PHONY: setup browser build release test demo proto proto-check bench fuzz fuzz-build strace-check clean \
        lint docs release-static man install install-files uninstall dist

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

# The checks that hold the house's lines (Tests/Scripts/lint.sh): swift-format's rules from
# .swift-format, no folder cycles, C only in Decoding/, printing only in Output/.
lint:
	bash Tests/Scripts/lint.sh

# Builds the DocC catalog (Sources/OnnxScope/OnnxScope.docc) with swift-docc-plugin;
# warnings, such as a broken symbol link, fail it.
docs: setup
	$(SWIFT) package generate-documentation --target OnnxScope --warnings-as-errors

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
# The libFuzzer target (Tests/Fuzz), built with swiftc and clang directly into .build-fuzz
# (SwiftPM's own build and `swift test` never see it): the C bindings with
# -fsanitize=fuzzer-no-link,address,undefined, the library with -sanitize=fuzzer,address
# (Swift has no UBSan; its arithmetic traps instead), then the entry point linked to both.
FUZZ_DIR    := .build-fuzz
FUZZ_BIN    := $(FUZZ_DIR)/onnxscope-fuzz
SECONDS     ?= 60
LIB_SOURCES := $(shell find Sources/OnnxScope -name '*.swift' | sort)
# The read path the fuzzer drives is test support: it lives with the tests, and joins the
# library's module only in this build.
FUZZ_SUPPORT := Tests/OnnxScopeTests/ReadPath/ReadPathExercise.swift
SYS_C       := Sources/CSystemCalls/system.c
SYS_H       := Sources/CSystemCalls/include/onnxscope_system.h
FUZZ_CC     := -Xcc -fmodule-map-file=$(FUZZ_DIR)/COnnx.modulemap -Xcc -I$(GEN_DIR)/include \
               -Xcc -fmodule-map-file=$(FUZZ_DIR)/CSystemCalls.modulemap -Xcc -ISources/CSystemCalls/include \
               -Xcc -fmodule-map-file=Sources/CProtobufC/module.modulemap \
               -Xcc -fmodule-map-file=Sources/CXXHash/module.modulemap

fuzz-build: setup $(FUZZ_BIN)

$(FUZZ_BIN): $(LIB_SOURCES) $(FUZZ_SUPPORT) $(GEN_C) $(SYS_C) Tests/Fuzz/FuzzTarget.swift
	@mkdir -p $(FUZZ_DIR)
	printf 'module COnnx {\n  header "%s"\n  export *\n}\n' "$(CURDIR)/$(GEN_H)" > $(FUZZ_DIR)/COnnx.modulemap
	printf 'module CSystemCalls {\n  header "%s"\n  export *\n}\n' "$(CURDIR)/$(SYS_H)" > $(FUZZ_DIR)/CSystemCalls.modulemap
	clang -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	  -ISources/CSystemCalls/include -c $(SYS_C) -o $(FUZZ_DIR)/system.o
	clang -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	  -I$(GEN_DIR)/include -c $(GEN_C) -o $(FUZZ_DIR)/onnx.pb-c.o
	swiftc -O -g -wmo -sanitize=fuzzer,address -enable-testing -parse-as-library -module-name OnnxScope \
	  -emit-module -emit-module-path $(FUZZ_DIR)/OnnxScope.swiftmodule -emit-object -o $(FUZZ_DIR)/OnnxScope.o \
	  -D ONNXSCOPE_FUZZ_MODULE $(FUZZ_CC) $(LIB_SOURCES) $(FUZZ_SUPPORT)
	swiftc -O -g -sanitize=fuzzer,address -parse-as-library -module-name OnnxScopeFuzz -I $(FUZZ_DIR) $(FUZZ_CC) \
	  Tests/Fuzz/FuzzTarget.swift $(FUZZ_DIR)/OnnxScope.o $(FUZZ_DIR)/onnx.pb-c.o $(FUZZ_DIR)/system.o -lprotobuf-c -lxxhash \
	  -Xclang-linker -fsanitize=undefined -o $@ 2>&1 | grep -v 'Cannot export local symbol' || true
	@test -x $@

# `make fuzz SECONDS=N`: fuzz for N seconds from the fixtures and their truncations.
fuzz: fuzz-build
	Tests/Fuzz/run.sh $(SECONDS)

# Runs the built binary under strace on models whose external data points at ../secret.bin,
# /etc/passwd and a symlink out of their folder; fails if any such path is opened. Then the
# race: RACE_RUNS diff runs while a folder on the data's path is swapped for a symlink out.
RACE_RUNS   ?= 500

strace-check: build
	@command -v strace > /dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get install -y -qq strace; }
	Tests/Scripts/strace_external.sh .build/debug/onnxscope
	Tests/Scripts/strace_race.sh .build/debug/onnxscope $(RACE_RUNS)

clean:
	rm -rf .build

# Install: `make install PREFIX=/usr/local` (and DESTDIR for packaging) puts the release
# binary, linked with the Swift runtime statically, on PATH, with bash, zsh and fish
# completions (argument-parser's --generate-completion-script) and a man page
# (argument-parser's generate-manual plugin, run on the debug build: the help text does
# not depend on the configuration, and a release plugin run would relink the release
# binary without the static runtime). `make install-files` installs what is already built
# and builds nothing; `make uninstall` removes exactly what install-files wrote.
PREFIX      ?= /usr/local
DESTDIR     ?=
STATIC_DIR  := .build/static
STATIC_BIN  := $(STATIC_DIR)/onnxscope
MAN_PAGE    := .build/plugins/GenerateManual/outputs/onnxscope/onnxscope.1
BIN_DEST    := $(DESTDIR)$(PREFIX)/bin/onnxscope
MAN_DEST    := $(DESTDIR)$(PREFIX)/share/man/man1/onnxscope.1
BASH_DEST   := $(DESTDIR)$(PREFIX)/share/bash-completion/completions/onnxscope
ZSH_DEST    := $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_onnxscope
FISH_DEST   := $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/onnxscope.fish
DIST_DIR    := .build/dist

# The release binary with the Swift runtime (stdlib, Foundation) linked in: at run time it
# needs only libprotobuf-c, libxxhash, libmimalloc and the C/C++ system libraries. Stripped (61 MB
# instead of 81 MB).
release-static: setup
	$(SWIFT) build -c release --product onnxscope --static-swift-stdlib
	@mkdir -p $(STATIC_DIR)
	strip -o $(STATIC_BIN) .build/release/onnxscope

man: setup
	$(SWIFT) package generate-manual --configuration debug

install: man release-static
	$(MAKE) install-files PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)"

install-files:
	@test -x $(STATIC_BIN) || { echo "install-files: $(STATIC_BIN) is missing; run 'make release-static'"; exit 1; }
	@test -f $(MAN_PAGE) || { echo "install-files: $(MAN_PAGE) is missing; run 'make man'"; exit 1; }
	install -d $(dir $(BIN_DEST)) $(dir $(MAN_DEST)) $(dir $(BASH_DEST)) $(dir $(ZSH_DEST)) $(dir $(FISH_DEST))
	install -m 755 $(STATIC_BIN) $(BIN_DEST)
	install -m 644 $(MAN_PAGE) $(MAN_DEST)
	$(STATIC_BIN) --generate-completion-script bash > $(BASH_DEST)
	$(STATIC_BIN) --generate-completion-script zsh > $(ZSH_DEST)
	$(STATIC_BIN) --generate-completion-script fish > $(FISH_DEST)
	chmod 644 $(BASH_DEST) $(ZSH_DEST) $(FISH_DEST)

uninstall:
	rm -f $(BIN_DEST) $(MAN_DEST) $(BASH_DEST) $(ZSH_DEST) $(FISH_DEST)

# `make dist`: .build/dist/onnxscope-VERSION-linux-ARCH.tar.gz with bin/, share/ (man page,
# completions), LICENSE and README.md under one top folder.
dist: man release-static
	@version=$$($(STATIC_BIN) --version) && name=onnxscope-$$version-linux-$$(uname -m) && \
	rm -rf $(DIST_DIR)/$$name && \
	$(MAKE) --no-print-directory install-files DESTDIR="$(CURDIR)/$(DIST_DIR)/$$name" PREFIX= && \
	cp LICENSE README.md $(DIST_DIR)/$$name/ && \
	tar -C $(DIST_DIR) -czf $(DIST_DIR)/$$name.tar.gz $$name && \
	echo "wrote $(DIST_DIR)/$$name.tar.gz"
