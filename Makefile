# The two commands of the README: `make demo` and `make test`. Everything else is CMake.
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_TYPE ?= RelWithDebInfo
CMAKE_ARGS ?=
GEO        := $(BUILD)/geo/geography.tsv
DEMO_DB    := $(BUILD)/demo-index

.PHONY: all deps configure build geography demo test test-sanitize test-sanitize-reliability bench fuzz fuzz-configure fuzz-build fuzz-smoke clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The national geography, fetched once with npm and converted into the compact form.
geography: build
	@corpus/fetch-geography.sh $(BUILD)/geo
	@[ -s $(GEO) ] || $(BUILD)/bin/aides-geo-convert $(BUILD)/geo/npm $(GEO)

demo: geography
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

test: geography
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz-smoke

# The C++ suites built with AddressSanitizer and UndefinedBehaviorSanitizer (the Python ones
# would need the sanitizer runtime preloaded into python). Any report fails the run.
# SANITIZE_TESTS: a ctest regex to run a subset, SANITIZE_TARGETS: build only these targets;
# the kill test uses AIDES_KILL_RECORDS records.
SAN_BUILD        ?= build-sanitize
SANITIZE_TESTS   ?=
SANITIZE_TARGETS ?=
SAN_OPTIONS    := ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1 \
                  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/reliability/lsan-suppressions.txt \
                  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-sanitize: geography
	@cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIDES_SANITIZE=ON -DAIDES_BUILD_PYTHON=OFF \
	  -DAIDES_GEOGRAPHY_DIR=$(CURDIR)/$(BUILD)/geo >/dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS) $(if $(SANITIZE_TARGETS),--target $(SANITIZE_TARGETS))
	@cd $(SAN_BUILD) && $(SAN_OPTIONS) AIDES_KILL_RECORDS=$${AIDES_KILL_RECORDS:-5000} \
	  ctest --output-on-failure -j $(JOBS) $(if $(SANITIZE_TESTS),-R '$(SANITIZE_TESTS)')

# A clang build with AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer coverage
# ($(FUZZ_BUILD), beside the main build) for two runs:
# - libFuzzer targets on their seeds: `make fuzz` runs each FUZZ_SECONDS, `make test` runs each
#   FUZZ_RUNS times (fuzz-smoke; skipped when clang is missing). Crashes land in
#   $(FUZZ_BUILD)/fuzz/work/NAME/, new inputs in .../NAME/corpus/.
# - test-sanitize-reliability: the reliability suites (built tools, kills, concurrency, bad and
#   hostile input, corrupt indexes) and the fuzz seeds, sanitized: what CI runs under sanitizers.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= 1000
fuzz-configure: geography
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIDES_BUILD_FUZZ=ON \
	  -DAIDES_BUILD_PYTHON=OFF -DAIDES_FUZZ_RUNS=$(FUZZ_RUNS) -DAIDES_GEOGRAPHY_DIR=$(CURDIR)/$(BUILD)/geo >/dev/null

fuzz-build: fuzz-configure
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_record fuzz_query

fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/fuzz/work
	@for target in record query; do \
	  log=$(FUZZ_BUILD)/fuzz/work/$$target.log; \
	  echo "fuzz: $$target for $(FUZZ_SECONDS) s (log: $$log)"; \
	  fuzz/run.sh $(FUZZ_BUILD)/bin/fuzz_$$target $$target $(CURDIR)/$(FUZZ_BUILD)/fuzz/work \
	    -max_total_time=$(FUZZ_SECONDS) >$$log 2>&1; status=$$?; \
	  grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::)' $$log; \
	  if [ $$status -ne 0 ]; then tail -40 $$log; exit 1; fi; \
	done

fuzz-smoke:
	@if command -v clang++ >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory fuzz-build && cd $(FUZZ_BUILD) && ctest --output-on-failure -L '^fuzz$$'; \
	else echo "fuzz-smoke: clang++ not found, libFuzzer targets skipped (their seeds ran as reliability.fuzz_*_replay)"; fi

test-sanitize-reliability: fuzz-configure
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target reliability_suite
	@cd $(FUZZ_BUILD) && $(SAN_OPTIONS) ctest --output-on-failure -j $(JOBS) -L '^reliability$$'

# The side-by-side benchmark of docs/benchmarks.md (PostgreSQL and SQLite installed if missing);
# BENCH_ARGS passes options to bench/run.sh, e.g. BENCH_ARGS="--sizes 10000,100000,1000000".
bench: deps
	@scripts/install-deps.sh postgresql postgresql-contrib libpq-dev libsqlite3-dev sqlite3
	@$(MAKE) --no-print-directory geography CMAKE_ARGS="-DAIDES_BUILD_BENCH=ON"
	@bench/run.sh $(BUILD) $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)
