# hwgen: the two commands of the README, and the set-up they share.
# Every target installs what is missing first (Debian tools with apt-get, node_modules with npm ci),
# so both work on a fresh machine.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages of the simulators, synthesis and place-and-route flows, waveform tools, and the headless
# browser the report's test opens report.html in (hwgen/report/).
APT_PACKAGES := verilator iverilog yosys nextpnr-ice40 fpga-icestorm gtkwave chromium redis-server
# One command from each package, to tell whether it is installed.
APT_COMMANDS := verilator iverilog yosys nextpnr-ice40 icepack fst2vcd chromium redis-server
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HWGEN := node hwgen/cli/hwgen.mjs

.PHONY: help demo test bench fuzz setup tools typecheck

help:
	@echo "make demo   run the main job on the built-in default design (writes rtl-out/demo/)"
	@echo "make test   type-check and run every test"
	@echo "make bench  run the benchmarks (figures in README.md)"
	@echo "make fuzz   mutation-test the checks: 300 single-point RTL faults (writes rtl-out/mutation/),"
	@echo "           then 20 random designs through lint, yosys and hwgen sim on both simulators"

demo: setup
	$(HWGEN) demo

test: setup typecheck
	npx vitest run

bench: setup
	npx tsx hwgen/bench/run-all.ts

# Mutation testing (docs/simulation.md, "Mutation testing"): each mutant is one Icarus build and two short runs.
# Then random designs ("Random designs"): each is the static checks and one `hwgen sim` per simulator; a failing
# design's folder stays in rtl-out/fuzz-designs/.
fuzz: setup
	npx tsx hwgen/bench/mutation.ts --simulator icarus --limit 300
	npx tsx hwgen/bench/fuzz-designs.ts --count 20

typecheck: setup
	npx tsc --noEmit

setup: tools node_modules/.hwgen-installed

tools:
	@command -v node >/dev/null || { echo "hwgen needs Node.js 20 or newer on PATH" >&2; exit 2; }
	@missing=$$(for tool in $(APT_COMMANDS); do command -v $$tool >/dev/null || echo $$tool; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	fi

# npm ci only when package.json or the lock file changed since the last install.
node_modules/.hwgen-installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@
