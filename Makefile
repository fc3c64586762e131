# Entry points. Each target first installs what it needs from Debian's packages
# (scripts/install-deps.sh: idempotent, quick when everything is present).
#
#   make          build build/isms
#   make test     every test, in a normal and a sanitizer (ASan + UBSan) build
#   make run      build, create demo.isms with a demo organization, show it
#   make bench    build optimised and run the benchmarks (docs/PERFORMANCE.md)

BUILD      := build
ASAN_BUILD := build-asan
BENCH_BUILD := build-release
MESON_OPTS := --buildtype=debugoptimized -Dwerror=true

.PHONY: all deps build test run bench clean format

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
	ninja -C $(BUILD)
	ninja -C $(ASAN_BUILD)
	scripts/test.sh $(BUILD) $(ASAN_BUILD)

run: build
	scripts/demo.sh $(BUILD)/isms demo.isms

bench: deps $(BENCH_BUILD)/build.ninja
	ninja -C $(BENCH_BUILD)
	$(BENCH_BUILD)/bench/bench-store

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD)
