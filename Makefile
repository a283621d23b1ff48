# Thin wrapper over the CMake presets (CMakePresets.json). Every target first
# runs scripts/install-deps.sh, so a fresh Debian 12 machine needs nothing else.
#   make demo   build (release) and run `synack demo`
#   make test   the CI build: -Werror, ASan+UBSan, then ctest (which replays every
#               fuzz corpus), then a seeded FUZZ_CI_SECONDS-second run of every
#               fuzz target (default 30; 0 = off): the clang-19 fuzz build and
#               9 targets x 30 s add about 9 minutes on a 2-core machine
#   make bench  release build with the peers (lwIP, gVisor netstack; scripts/install-deps.sh
#               --bench), then the benchmark suite (QUICK=1 for a smoke run)
#   make docs   regenerate docs/rfc9293-requirements.md (RFC 9293 requirement matrix)
#   make fuzz   libFuzzer targets with clang-19, FUZZ_SECONDS each (default 60;
#               FUZZ_SEED=n for a reproducible run; docs/hostile-input.md)
SHELL := /bin/bash
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
FUZZ_CI_SECONDS ?= 30
FUZZ_SEED ?=
DEMO_ARGS ?=

.PHONY: deps demo test bench fuzz format docs clean

deps:
	@if [ -z "$$SYNACK_SKIP_DEPS" ]; then scripts/install-deps.sh; fi

build/%/build.ninja: CMakeLists.txt CMakePresets.json | deps
	cmake --preset $* >/dev/null

demo: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS) --target synack
	scripts/demo.sh $(DEMO_ARGS)

test: deps
	cmake --preset ci >/dev/null
	cmake --build --preset ci -j $(JOBS)
	ctest --preset ci
	@if [ "$(FUZZ_CI_SECONDS)" != 0 ]; then \
	  $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_CI_SECONDS) FUZZ_SEED=1; fi

bench: deps
	@if [ -z "$$SYNACK_SKIP_DEPS" ]; then scripts/install-deps.sh --bench; fi
	cmake --preset release -DSYNACK_BENCH=ON -DSYNACK_BENCH_PEERS=ON >/dev/null
	cmake --build --preset release -j $(JOBS)
	scripts/bench.sh $(if $(QUICK),--quick,)

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzz_all
	FUZZ_SEED=$(FUZZ_SEED) scripts/fuzz.sh $(FUZZ_SECONDS)

docs:
	python3 scripts/rfc9293_matrix.py

format:
	git ls-files '*.cc' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
