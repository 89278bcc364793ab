# The two commands of the README: `make demo` and `make test`. Everything else is CMake.
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_TYPE ?= RelWithDebInfo
CMAKE_ARGS ?=
GEO        := $(BUILD)/geo/geography.tsv
DEMO_DB    := $(BUILD)/demo-index

.PHONY: all deps configure build geography demo test test-sanitize bench fuzz clean

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
	@echo '$$ aides-search --db $(DEMO_DB) --commune 29103 --size 12'
	@$(BUILD)/bin/aides-search --db $(DEMO_DB) --commune 29103 --size 12 --format table
	@echo
	@echo '$$ aides-search --db $(DEMO_DB) --commune Landerneau renovation energetique batiments'
	@$(BUILD)/bin/aides-search --db $(DEMO_DB) --commune Landerneau renovation energetique batiments --size 8 --format table

test: geography
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suites built with AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: deps
	@$(MAKE) --no-print-directory test BUILD=build-sanitize BUILD_TYPE=Debug CMAKE_ARGS="-DAIDES_SANITIZE=ON -DAIDES_BUILD_PYTHON=OFF"

bench: deps
	@$(MAKE) --no-print-directory geography CMAKE_ARGS="-DAIDES_BUILD_BENCH=ON"
	@bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-sanitize
