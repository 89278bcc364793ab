# The two commands of the README: `make demo` and `make test`. Everything else is CMake.
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_TYPE ?= RelWithDebInfo
CMAKE_ARGS ?=
GEO        := $(BUILD)/geo/geography.tsv
DEMO_DB    := $(BUILD)/demo-index

.PHONY: all deps configure build geography web demo test test-sanitize bench fuzz fuzz-configure fuzz-build fuzz-smoke clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The national geography, fetched once with npm and converted into the compact form (again when
# the converter is newer than it).
geography: build
	@scripts/fetch-geography.sh $(BUILD)/geo
	@[ -s $(GEO) ] && [ $(GEO) -nt $(BUILD)/bin/aides-geo-convert ] || \
	  $(BUILD)/bin/aides-geo-convert $(BUILD)/geo/npm $(GEO) --former $(BUILD)/geo/npm-2022

# The search page's assets and its browser tests' driver: the DSFR (checked by integrity, served
# by aides-serve at /dsfr/) and playwright-core from tests/web/package-lock.json, which drives
# Debian's chromium (no browser download).
web: build
	@scripts/fetch-dsfr.sh $(BUILD)/web
	@mkdir -p $(BUILD)/web-tests && cp -p tests/web/package.json tests/web/package-lock.json $(BUILD)/web-tests/
	@cd $(BUILD)/web-tests && { [ node_modules/.installed -nt package-lock.json ] || \
	  { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --silent && touch node_modules/.installed; }; }

demo: geography web
	@rm -rf $(DEMO_DB)
	@$(BUILD)/bin/aides-index --db $(DEMO_DB) --input corpus/aides.jsonl --adhoc pvd=corpus/adhoc/pvd-extrait.txt
	@echo
	@echo '$$ aides-search --db $(DEMO_DB) --profile 29103'
	@$(BUILD)/bin/aides-search --db $(DEMO_DB) --profile 29103 --format table
	@echo
	@echo '$$ aides-search --db $(DEMO_DB) --commune 29103 --size 30'
	@$(BUILD)/bin/aides-search --db $(DEMO_DB) --commune 29103 --size 30 --format table
	@echo
	@echo '$$ aides-search --db $(DEMO_DB) --commune Landerneau renovation energetique batiments'
	@$(BUILD)/bin/aides-search --db $(DEMO_DB) --commune Landerneau renovation energetique batiments --size 8 --format table

test: geography web
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz-smoke

# One clang build with AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer coverage
# ($(FUZZ_BUILD), beside the main build) serves two runs:
# - the libFuzzer targets on their seeds: `make fuzz` runs them all within FUZZ_MINUTES (30), `make test` runs
#   each FUZZ_RUNS times (fuzz-smoke). Crashes land in $(FUZZ_BUILD)/fuzz/work/NAME/, new inputs
#   in .../NAME/corpus/.
# - test-sanitize: every C++ suite (unit, e2e, reliability, fuzz seed replays) sanitized, with
#   leak detection; any report fails the run. CI runs it after `make test`. The Python suites
#   are left out (they would need the sanitizer runtime preloaded into python), and so are the
#   browser tests (label web: their npm driver is installed into the main build only).
#   SANITIZE_TESTS: a ctest regex to run a subset; the kill test uses AIDES_KILL_RECORDS records.
FUZZ_BUILD     ?= build-fuzz
FUZZ_MINUTES   ?= 30
FUZZ_RUNS      ?= 1000
SANITIZE_TESTS ?=
SAN_OPTIONS    := ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
                  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/reliability/lsan-suppressions.txt \
                  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fuzz-configure: geography
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIDES_BUILD_FUZZ=ON \
	  -DAIDES_BUILD_PYTHON=OFF -DAIDES_FUZZ_RUNS=$(FUZZ_RUNS) -DAIDES_GEOGRAPHY_DIR=$(CURDIR)/$(BUILD)/geo >/dev/null

FUZZ_TARGETS := record query reader_jsonl reader_json reader_at_api reader_at_csv reader_automatic
fuzz-build: fuzz-configure
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

# All targets within FUZZ_MINUTES of wall clock on JOBS cores (fuzz/run-all.sh splits it).
fuzz: fuzz-build
	@fuzz/run-all.sh $(CURDIR)/$(FUZZ_BUILD)/bin $(CURDIR)/$(FUZZ_BUILD)/fuzz/work $(FUZZ_MINUTES) $(JOBS)

fuzz-smoke:
	@if command -v clang++ >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory fuzz-build && cd $(FUZZ_BUILD) && ctest --output-on-failure -L '^fuzz$$'; \
	else echo "fuzz-smoke: clang++ not found, libFuzzer targets skipped (their seeds ran as reliability.fuzz_*_replay)"; fi

test-sanitize: fuzz-configure
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@cd $(FUZZ_BUILD) && $(SAN_OPTIONS) AIDES_KILL_RECORDS=$${AIDES_KILL_RECORDS:-4000} \
	  ctest --output-on-failure -j $(JOBS) -LE '^(fuzz|web)$$' $(if $(SANITIZE_TESTS),-R '$(SANITIZE_TESTS)')

# The side-by-side benchmark of docs/benchmarks.md (PostgreSQL and SQLite installed if missing);
# BENCH_ARGS passes options to bench/run.sh, e.g. BENCH_ARGS="--sizes 10000,100000,1000000".
bench: deps
	@scripts/install-deps.sh postgresql postgresql-contrib libpq-dev libsqlite3-dev sqlite3
	@$(MAKE) --no-print-directory geography CMAKE_ARGS="-DAIDES_BUILD_BENCH=ON"
	@bench/run.sh $(BUILD) $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
