# Entry points. Each target first installs what it needs from Debian's packages
# (scripts/install-deps.sh: idempotent, quick when everything is present).
#
#   make          build build/isms
#   make test     every test, in a normal and a sanitizer (ASan + UBSan) build, and
#                 the Node tests of the API (tests/js; scripts/npm-deps.sh installs their packages)
#   make run      build, create demo.isms with a demo organization, show it
#   make bench    build optimised and run the benchmarks, SQLite then PostgreSQL (docs/PERFORMANCE.md)
#   make fuzz     fuzz with libFuzzer (clang) for FUZZ_TIME seconds per target: the HTTP
#                 request path (make fuzz-request), then the CSV import (make fuzz-import)

BUILD      := build
ASAN_BUILD := build-asan
BENCH_BUILD := build-release
FUZZ_BUILD := build-fuzz
FUZZ_TIME  := 60
MESON_OPTS := --buildtype=debugoptimized -Dwerror=true

.PHONY: all deps build test run bench fuzz fuzz-request fuzz-import clean format

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) $(MESON_OPTS) -Db_sanitize=address,undefined -Db_lundef=false

$(BENCH_BUILD)/build.ninja:
	meson setup $(BENCH_BUILD) --buildtype=release -Dwerror=true

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

test: deps $(BUILD)/build.ninja $(ASAN_BUILD)/build.ninja
	scripts/npm-deps.sh
	ninja -C $(BUILD)
	ninja -C $(ASAN_BUILD)
	scripts/test.sh $(BUILD) $(ASAN_BUILD)

run: build
	scripts/demo.sh $(BUILD)/isms demo.isms

bench: deps $(BENCH_BUILD)/build.ninja
	scripts/install-deps.sh bench
	ninja -C $(BENCH_BUILD)
	$(BENCH_BUILD)/bench/bench-store
	$(BENCH_BUILD)/bench/bench-risk
	bench/bench-api.sh $(BENCH_BUILD)
	bench/bench-api.sh --postgres $(BENCH_BUILD)
	bench/bench-risk-snapshot.sh $(BENCH_BUILD)
	bench/bench-risk-snapshot.sh --postgres $(BENCH_BUILD)
	bench/bench-import.sh --kind risk $(BENCH_BUILD)
	bench/bench-import.sh --kind risk --postgres $(BENCH_BUILD)

# libFuzzer needs clang. The libraries get coverage (fuzzer-no-link) and ASan + UBSan;
# the fuzz targets (tests/fuzz) link libFuzzer themselves. New inputs are kept in
# $(FUZZ_BUILD)/corpus and $(FUZZ_BUILD)/corpus_import, findings (crash-*, leak-*,
# timeout-*) in $(FUZZ_BUILD)/, those of the import prefixed import-.
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) $(MESON_OPTS) -Db_lundef=false \
	    -Db_sanitize=address,undefined '-Dc_args=-fsanitize=fuzzer-no-link -Wno-unknown-warning-option'

fuzz: fuzz-request fuzz-import

fuzz-request: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) tests/fuzz/fuzz_request
	mkdir -p $(FUZZ_BUILD)/corpus
	cp -u tests/fuzz/corpus/* $(FUZZ_BUILD)/corpus/
	$(FUZZ_BUILD)/tests/fuzz/fuzz_request -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus

fuzz-import: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) tests/fuzz/fuzz_import
	mkdir -p $(FUZZ_BUILD)/corpus_import
	cp -u tests/fuzz/corpus_import/* $(FUZZ_BUILD)/corpus_import/
	$(FUZZ_BUILD)/tests/fuzz/fuzz_import -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/import- $(FUZZ_BUILD)/corpus_import

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) $(FUZZ_BUILD)
