# Makefile: the project's entry points, as the README names them (bundle, test, check).
#
#   make demo                                                      the bundle, then the demo timeline on the real FVM
#   make bundle [NETWORK=testing-fake-proofs] [BUNDLE_CAR=path]   build the bundle CAR, print its table
#   make test                                                      fmt check, clippy, all tests
#   make check                                                     fmt check and clippy only
#   make contracts                                                 recompile the contracts' Solidity with the pinned solc-js into contracts/*.hex and *.abi.json
#   make costs                                                     off-chain cost report of the miner's read paths
#   make gas                                                       real-FVM gas report: a provider's life per method, events, sector status by miner size, the SectorStatus Solidity library's calls, verified data's life, the market in three deals' life
#   make census-gas                                                real-FVM gas of the FIP-0067 census on miners of 10,000 and 100,000 sectors (slow)
#   make enforcement-gas                                           real-FVM gas of the FIP-0067 enforcement in the deadline cron (1,000 sectors)
#   make gas-compare                                               the shared gas probe on this bundle and on the network's v18 figures, side by side
#   make stack-check                                               the engine scenarios and the large-miner gas reports with every actor's stack cut to 32 KiB (slow)

SHELL := /bin/bash
CARGO ?= cargo
NETWORK ?= mainnet
ifeq ($(NETWORK),mainnet)
BUNDLE_CAR ?= output/builtin-actors.car
else
BUNDLE_CAR ?= output/builtin-actors-$(NETWORK).car
endif

.PHONY: demo bundle test check fmt clippy wasm-target wasm-tools contracts contracts-check costs gas census-gas enforcement-gas gas-compare stack-check

# The actors compile to this target inside the bundle's build script, which then passes every
# module through binaryen's wasm-opt (binaryen.js on Node.js, pinned by tools/binaryen's lock file).
wasm-target: wasm-tools
	rustup target add wasm32-unknown-unknown

wasm-tools:
	npm ci --prefix tools/binaryen --no-audit --no-fund

# The README's first command: the bundle and its table, then a short life on the real FVM.
demo: bundle
	$(CARGO) run --locked -q -p fil_actors_integration_tests --bin demo

bundle: wasm-target
	BUILD_FIL_NETWORK=$(NETWORK) $(CARGO) run --locked --bin fil_builtin_actors_bundle -- -o $(BUNDLE_CAR)

# The tests run the testing-fake-proofs bundle, so `make test` (and the clippy run it includes)
# compiles only that network's WASM: once per run, not once per network. `make bundle` and
# `make demo` build the network asked for.
test clippy: export BUILD_FIL_NETWORK = testing-fake-proofs

# Every test of the workspace, then one closing line that totals cargo's per-binary results.
test: wasm-target check contracts-check
	mkdir -p target
	set -o pipefail; $(CARGO) test --locked --workspace 2>&1 | tee target/test-output.log
	@awk '/^test result:/ {p += $$4; f += $$6} END {printf "tests: %d passed, %d failed\n", p, f}' target/test-output.log

check: fmt clippy

# The Solidity contracts the tests deploy (and the sector-status library in contracts/sector-status):
# solc-js as pinned in contracts/package-lock.json (npm packages only, no compiler download).
# `contracts` rewrites the committed bytecode and ABIs; `contracts-check` fails when they differ
# from a fresh compile.
contracts:
	cd contracts && npm ci --no-audit --no-fund --silent && node compile.js

contracts-check:
	cd contracts && npm ci --no-audit --no-fund --silent && node compile.js --check

fmt:
	$(CARGO) fmt --all -- --check

clippy: wasm-target
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

# Time, blockstore reads and memory of the sector-status reads on 1,000,000 sectors and of the
# FIP-0067 initialization on 100,000 (release build).
costs:
	$(CARGO) run --locked --release -q -p fil_actor_miner --example off_chain_costs

# Real-FVM gas: every miner method of a storage provider's life and each event emission, then the
# sector-status methods on miners of 1, 100 and 1,000 partitions, each function of the Solidity
# library, verified data's life and the market's.
gas: wasm-target
	$(CARGO) run --locked -q -p fil_actors_integration_tests --bin gas_report
	$(CARGO) run --locked -q -p fil_actors_integration_tests --bin status_gas
	$(CARGO) run --locked -q -p fil_actors_integration_tests --bin library_gas
	$(CARGO) run --locked -q -p fil_actors_integration_tests --bin verified_gas
	$(CARGO) run --locked -q -p fil_actors_integration_tests --bin market_gas

# Real-FVM gas of the FIP-0067 census of old sectors: the first TerminateSectors after the start
# and the census's share of each deadline cron, on twin miners of 10,000 and 100,000 sectors.
census-gas: wasm-target
	$(CARGO) run --locked -q -p fil_actors_integration_tests --bin fip0067_gas

# Real-FVM gas of the miner's deadline cron for a deadline of 1,000 old sectors: on schedule,
# faulted by FIP-0067 enforcement, and terminated by it.
enforcement-gas: wasm-target
	$(CARGO) run --locked -q -p fil_actors_integration_tests --bin enforcement_gas

# The stack the actors use, measured: every engine scenario, and the reports on miners of 1,000
# to 100,000 sectors, on a test bundle whose modules trap when their stack would pass
# STACK_CHECK_BYTES (an eighth of the 256 KiB they link with, .cargo/config.toml). The next
# build without it packs the real modules again.
STACK_CHECK_BYTES ?= 32768
stack-check: wasm-target
	STACK_CHECK_BYTES=$(STACK_CHECK_BYTES) BUILD_FIL_NETWORK=testing-fake-proofs $(CARGO) test --locked --workspace --test engines
	STACK_CHECK_BYTES=$(STACK_CHECK_BYTES) BUILD_FIL_NETWORK=testing-fake-proofs $(CARGO) run --locked -q -p fil_actors_integration_tests --bin enforcement_gas
	STACK_CHECK_BYTES=$(STACK_CHECK_BYTES) BUILD_FIL_NETWORK=testing-fake-proofs $(CARGO) run --locked -q -p fil_actors_integration_tests --bin fip0067_gas

# The shared, bundle-agnostic gas probe (`../shared/tools/gas-probe`) on the testing-fake-proofs
# bundle, then its per-step ratios against the network's v18 figures and their geometric mean.
PROBE_DIR ?= ../shared/tools
PROBE_OUT := target/gas-probe/probe.txt
gas-compare:
	$(MAKE) bundle NETWORK=testing-fake-proofs
	CARGO_TARGET_DIR=target/gas-probe $(CARGO) run --locked --release -q \
		--manifest-path $(PROBE_DIR)/gas-probe/Cargo.toml -- output/builtin-actors-testing-fake-proofs.car > $(PROBE_OUT)
	python3 $(PROBE_DIR)/compare-probe.py ../shared/bench/upstream-v18-probe.txt $(PROBE_OUT)
