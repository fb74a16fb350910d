# membench: build, test and benchmark. `make bench` and `make test` do all the set-up (see README.md).

CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP -iquote $(CURDIR)
LDLIBS  += -ljansson -lsqlite3 -ldl -lm -lgc -lpthread
# The commit this binary was built from, in every JSON report ("unknown" outside git);
# only harness/run/context.c sees it, rebuilt when the commit changes (a stamp file).
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

# Build variants, each in its own directory so they never mix:
#   make                 release build in build/
#   make DEBUG=1         heap verify after every collection, census on (build/debug)
#   make STRESS=1        collect at every allocation (build/stress; implies DEBUG)
#   make SANITIZE=1      ASan + UBSan + LeakSanitizer (build/sanitize)
# BUILDROOT moves all of them (two checkouts building side by side).
BUILDROOT ?= build
BUILD   := $(BUILDROOT)
ifeq ($(STRESS),1)
  DEBUG   := 1
  BUILD   := $(BUILDROOT)/stress
  CFLAGS  += -DMB_STRESS
else ifeq ($(SANITIZE),1)
  BUILD   := $(BUILDROOT)/sanitize
else ifeq ($(DEBUG),1)
  BUILD   := $(BUILDROOT)/debug
endif
ifeq ($(DEBUG),1)
  CFLAGS  += -DMB_DEBUG -O1
endif
ifeq ($(SANITIZE),1)
  CFLAGS  += -DMB_SANITIZE -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=address,undefined
endif

# The command line (harness/cli/: main.c and one file per subcommand) is the
# executable's alone; the tests link everything else, options.c included.
CLI_SRC   := $(filter-out harness/cli/options.c,$(wildcard harness/cli/*.c))
CORE_SRC  := $(wildcard runtime/*.c strategies/*.c workloads/*.c) $(filter-out $(CLI_SRC),$(wildcard harness/*/*.c))
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
# Recorded traces (docs/traces.md): every workload compiled once more with
# the recording layer (harness/trace/trace_rec.h), and the list of those copies.
REC_WL    := $(wildcard workloads/*.c)
REC_OBJ   := $(REC_WL:workloads/%.c=$(BUILD)/obj/rec/workloads/%.o) $(BUILD)/obj/rec/rec_list.o
CORE_OBJ  += $(REC_OBJ)
MAIN_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC  := $(wildcard tests/*.c)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
MEMBENCH  := $(BUILD)/membench
TESTBIN   := $(BUILD)/membench-tests

# Debian packages the project needs (README.md: Two commands).
DEB_PKGS := build-essential pkg-config libjemalloc-dev libjemalloc2 gnuplot-nox hyperfine \
            libcriterion-dev python3-scipy libbenchmark-tools libjansson-dev \
            clang libclang-rt-14-dev valgrind libgc-dev man-db parallel rsync python3-yaml \
            libsqlite3-dev chromium
DEPS_STAMP := build/.deps-ok

.PHONY: all deps test test-release test-debug test-stress test-sanitize bench bench-merge hyperfine clean tour fuzz fuzz-json FORCE
.PHONY: baseline regress gate-calibrate baseline-instructions regress-instructions perf calibrate
.PHONY: plots report plots-scaling plots-heap plots-examples man install dashboard
all: $(MEMBENCH)

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/rec/workloads/%.o: workloads/%.c harness/trace/trace_rec.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DMB_RECORDING -include harness/trace/trace_rec.h -Dmb_workload_$*=mb_rec_workload_$* -c $< -o $@
$(BUILD)/obj/rec/rec_list.c: Makefile $(REC_WL)
	@mkdir -p $(dir $@)
	@{ echo '#include "$(CURDIR)/workloads/workload.h"'; \
	  for f in $(notdir $(basename $(REC_WL))); do echo "extern const mb_workload_t mb_rec_workload_$$f;"; done; \
	  echo 'const mb_workload_t *const mb_rec_workloads[] = {'; \
	  for f in $(notdir $(basename $(REC_WL))); do echo "    &mb_rec_workload_$$f,"; done; \
	  echo '    0};'; } > $@
$(BUILD)/obj/rec/rec_list.o: $(BUILD)/obj/rec/rec_list.c
	$(CC) $(CFLAGS) -c $< -o $@

GIT_STAMP := $(BUILDROOT)/.git-commit
$(GIT_STAMP): FORCE
	@mkdir -p $(BUILDROOT); echo '$(GIT_COMMIT)' | cmp -s - $@ || echo '$(GIT_COMMIT)' > $@
$(BUILD)/obj/harness/run/context.o: $(GIT_STAMP)
$(BUILD)/obj/harness/run/context.o: CFLAGS += -DMB_GIT_COMMIT='"$(GIT_COMMIT)"'
FORCE:

# The executable exports the services plug-in strategies call, and only those
# (harness/plugin/plugin.dynlist; docs/plugins.md).
PLUGIN_SYMS := harness/plugin/plugin.dynlist
$(MEMBENCH): $(CORE_OBJ) $(MAIN_OBJ) $(PLUGIN_SYMS)
	$(CC) $(LDFLAGS) -Wl,--dynamic-list=$(PLUGIN_SYMS) -o $@ $(CORE_OBJ) $(MAIN_OBJ) $(LDLIBS)

# Tests that read the sources (tests/test_events.c) find them here.
$(TEST_OBJ): CFLAGS += -DMB_SOURCE_DIR='"$(CURDIR)"'

$(TESTBIN): $(CORE_OBJ) $(TEST_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ -lcriterion $(LDLIBS)

# deps: install missing Debian packages when root; otherwise print the exact command and stop.
# $(call install_missing,PACKAGES) is that step for any list (make perf adds linux-perf and lua5.4).
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "membench: installing Debian packages:" $$missing; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) || exit 1; \
	  else \
	    echo "membench: missing Debian packages; run:"; \
	    echo "  sudo apt-get install -y" $$missing; exit 1; \
	  fi; \
	fi
	@mkdir -p build && touch $@
endef
deps: $(DEPS_STAMP) $(UPLOT)
$(DEPS_STAMP): Makefile
	$(call install_missing,$(DEB_PKGS))
PERF_PKGS := linux-perf lua5.4
PERF_STAMP := build/.deps-perf-ok
$(PERF_STAMP): Makefile | $(DEPS_STAMP)
	$(call install_missing,$(PERF_PKGS))
CALIB_PKGS := php8.2-cli lua5.4 python3
CALIB_STAMP := build/.deps-calib-ok
$(CALIB_STAMP): Makefile | $(DEPS_STAMP)
	$(call install_missing,$(CALIB_PKGS))

# test: the whole suite in three builds: release, debug (heap verify after
# every collection) and stress (collect at every allocation), then one summary.
B := $(BUILDROOT)
test: $(DEPS_STAMP)
	@rm -f $(B)/test-*.log $(B)/test-*.tap
	@$(MAKE) --no-print-directory -k test-release test-debug test-stress; st=$$?; \
	  scripts/test-summary $(B)/test-release.log $(B)/test-debug.log $(B)/test-stress.log; exit $$st

test-release: $(TESTBIN) $(MEMBENCH)
	MEMBENCH=$(MEMBENCH) $(TESTBIN) --tap=$(B)/test-release.tap $(CRITERION_ARGS) 2>&1 | tee $(B)/test-release.log; exit $${PIPESTATUS[0]}
test-debug:
	@$(MAKE) --no-print-directory DEBUG=1 $(B)/debug/membench-tests $(B)/debug/membench
	MEMBENCH=$(B)/debug/membench $(B)/debug/membench-tests --tap=$(B)/test-debug.tap $(CRITERION_ARGS) 2>&1 | tee $(B)/test-debug.log; exit $${PIPESTATUS[0]}
test-stress:
	@$(MAKE) --no-print-directory STRESS=1 $(B)/stress/membench-tests $(B)/stress/membench
	MEMBENCH=$(B)/stress/membench MB_TEST_SMALL=1 $(B)/stress/membench-tests --tap=$(B)/test-stress.tap $(CRITERION_ARGS) 2>&1 | tee $(B)/test-stress.log; exit $${PIPESTATUS[0]}

# test-sanitize: the whole suite and the quick matrix (every workload x strategy x
# interning) under ASan + UBSan + LeakSanitizer. jemalloc is skipped: ASan must own malloc.
test-sanitize: $(DEPS_STAMP)
	@rm -f $(B)/test-sanitize.log $(B)/test-sanitize.tap
	@$(MAKE) --no-print-directory SANITIZE=1 $(B)/sanitize/membench-tests $(B)/sanitize/membench
	MEMBENCH=$(B)/sanitize/membench MB_TEST_NO_JEMALLOC=1 $(B)/sanitize/membench-tests --tap=$(B)/test-sanitize.tap $(CRITERION_ARGS) 2>&1 \
	  | tee $(B)/test-sanitize.log; exit $${PIPESTATUS[0]}
	$(B)/sanitize/membench run -s all -w all -i both --scale quick > $(B)/sanitize-matrix.log 2>&1 \
	  || { tail -40 $(B)/sanitize-matrix.log; echo "membench: the quick matrix failed under the sanitizers"; exit 1; }
	@echo "membench: quick matrix clean under ASan + UBSan + LeakSanitizer"
	@scripts/test-summary $(B)/test-sanitize.log

SHELL := /bin/bash

# bench: the main job on defaults: every strategy on every workload, interning on and off,
# into results/latest.json (the previous latest.json becomes previous.json), then the
# console summary read back from that file (the suite runs once). SCALE (quick, default,
# large) sets the sizes and repetitions; BENCH_ARGS narrows it (-s, -w, --filter).
# SHARDS=N runs the suite as N shards (run --shard I/N) through GNU parallel, SHARD_JOBS
# at a time (default N; SSHLOGIN=host1,host2 spreads them over hosts), each into
# results/shards/shard-I.json, merged (membench merge) before the same ending
# (scripts/mb-shards, docs/sharding.md). A lost shard: status 3, the others in
# results/incomplete.json and the command that reruns it; then make bench-merge.
SCALE      ?= default
BENCH_ARGS ?= -s all -w all -i both
SHARDS     ?=
SHARD_JOBS ?= $(SHARDS)
SSHLOGIN   ?=
SHARD_DIR  ?= results/shards
# HISTORY: the history database each finished bench appends results/latest.json to
# (docs/history.md); HISTORY= appends nothing. An interrupted bench appends nothing.
HISTORY    ?= $(shell sed -n 's/^\#define MB_HISTORY_DB_DEFAULT "\(.*\)"$$/\1/p' harness/cli/options.h)
ifeq ($(strip $(SHARDS)),)
  BENCH_RUN = $(MEMBENCH) run --scale $(SCALE) $(BENCH_ARGS) -f json -o results/.next.json
else
  BENCH_RUN = scripts/mb-shards --membench $(MEMBENCH) --shards $(SHARDS) --jobs $(SHARD_JOBS) --dir $(SHARD_DIR) \
              $(if $(SSHLOGIN),--sshlogin $(SSHLOGIN)) -o results/.next.json -- --scale $(SCALE) $(BENCH_ARGS)
endif
# The end of bench and bench-merge, status in st: results/.next.json becomes latest.json
# (latest.json becoming previous.json); after an interruption (st >= 128) or a lost
# shard (st 3) it becomes incomplete.json and latest.json is untouched.
define bench_finish
	  if { [ $$st -ge 128 ] || [ $$st -eq 3 ]; } && [ -f results/.next.json ]; then \
	    mv results/.next.json results/incomplete.json; \
	    if [ $$st -ge 128 ]; then echo "membench: interrupted: results/latest.json is untouched; what finished is in results/incomplete.json"; \
	    else echo "membench: a shard is missing: results/latest.json is untouched; the others are in results/incomplete.json"; fi; \
	    exit $$st; \
	  fi; \
	  if [ -f results/.next.json ]; then \
	    if [ -f results/latest.json ]; then mv results/latest.json results/previous.json; fi; \
	    mv results/.next.json results/latest.json; \
	    echo "membench: wrote results/latest.json"; \
	    if [ -n "$(HISTORY)" ]; then $(MEMBENCH) history import --db $(HISTORY) results/latest.json || st=2; fi; \
	    $(MEMBENCH) report results/latest.json; \
	    $(MAKE) --no-print-directory report || st=1; \
	  fi; exit $$st
endef
bench: $(MEMBENCH)
	@mkdir -p results
	@rm -f results/.next.json; \
	  $(BENCH_RUN); st=$$?; \
$(bench_finish)

# bench-merge: merge the shard files in SHARD_DIR (after rerunning a lost shard alone,
# docs/sharding.md) into results/latest.json, ending as bench does.
bench-merge: $(MEMBENCH)
	@mkdir -p results
	@rm -f results/.next.json; \
	  $(MEMBENCH) merge $(SHARD_DIR)/shard-*.json -o results/.next.json; st=$$?; \
$(bench_finish)

# hyperfine: whole `membench run` processes, one per strategy, timed by hyperfine
# (no shell: -N; warm-up runs, then HF_RUNS runs each), imported as Google Benchmark JSON.
HF_WORKLOAD   ?= cycle-pairs
HF_STRATEGIES ?= $(shell $(MEMBENCH) list --format json 2>/dev/null | grep -o '"name": "[^"]*", "description": "[^"]*", "attributes"' | sed 's/"name": "\([^"]*\)".*/\1/' | paste -sd, -)
HF_SCALE      ?= quick
HF_RUNS       ?= 10
hyperfine: $(MEMBENCH)
	@mkdir -p results
	hyperfine -N --warmup 2 --runs $(HF_RUNS) -L strategy $(HF_STRATEGIES) --export-json results/hyperfine-raw.json \
	  '$(MEMBENCH) run -w $(HF_WORKLOAD) -s {strategy} -i off --scale $(HF_SCALE) -r 1 -f json -o /dev/null'
	$(MEMBENCH) import-hyperfine results/hyperfine-raw.json -o results/hyperfine.json
	$(MEMBENCH) report results/hyperfine.json

# perf: the performance targets in one run (scripts/perf, docs/performance.md): medians of PERF_REPS (5)
# interleaved rounds, into results/perf.json and results/perf.md. A benchmark: not in CI.
PERF_REPS ?= 5
perf: $(MEMBENCH) $(PERF_STAMP)
	PERF_REPS=$(PERF_REPS) scripts/perf $(MEMBENCH)

# calibrate: the models next to the runtimes they model (scripts/calibrate, docs/calibration.md):
# CPython 3.11, PHP 8.2, Lua 5.4 (incremental and generational) and bdwgc direct on the same
# shapes, medians of CALIB_ROUNDS (5) interleaved rounds, into results/calibrate.{json,md,png}.
# A benchmark: not in CI. CALIB_ARGS adds options (--shapes, --depth, --scale).
CALIB_ROUNDS ?= 5
CALIB_ARGS   ?=
calibrate: $(MEMBENCH) $(CALIB_STAMP)
	scripts/calibrate --membench $(MEMBENCH) --rounds $(CALIB_ROUNDS) --out results $(CALIB_ARGS)

tour: $(MEMBENCH)
	$(MEMBENCH) tour -s all

# fuzz: the differential fuzzer on many seeds for a set time (FUZZ_SECONDS), in the
# debug build so the heap verifier runs after every collection too; then the
# libFuzzer target on the JSON readers for as long (fuzz-json).
FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory DEBUG=1 $(B)/debug/membench
	$(B)/debug/membench fuzz -s all --seconds $(FUZZ_SECONDS)
	@$(MAKE) --no-print-directory fuzz-json

# fuzz-json: libFuzzer (clang, Debian libclang-rt-14-dev) with ASan + UBSan on the
# JSON readers of compare and import-hyperfine (tests/fuzz/fuzz_json.c), built
# into build/fuzz/ from its own objects, run FUZZ_SECONDS from the inputs in
# tests/data (new inputs it finds go to build/fuzz/corpus, crashes to build/fuzz/).
FUZZ_CC     ?= clang
FUZZ_DIR    := $(BUILDROOT)/fuzz
FUZZ_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fno-omit-frame-pointer \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -iquote $(CURDIR)
FUZZ_OBJ    := $(CORE_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
$(FUZZ_DIR)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
$(FUZZ_DIR)/fuzz-json: tests/fuzz/fuzz_json.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)
fuzz-json: $(FUZZ_DIR)/fuzz-json
	@mkdir -p $(FUZZ_DIR)/corpus
	$(FUZZ_DIR)/fuzz-json -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus tests/data

clean:
	rm -rf build

# The regression gate (docs/gate.md). baseline: the quick suite,
# fixed seed, REGRESS_REPS_BASELINE repetitions (9: the U test's minimum for a
# warning-free verdict), into results/baseline.json (committed). regress: the
# same suite now, compared with it: deterministic counters always; times and
# peak RSS only with REGRESS_TIMES=1 (shared CI machines are noisy), which also
# runs 9 repetitions instead of 1. The run's own status is left to the gate:
# a failed case is an error entry, which compare fails.
# Every strategy but the conservative ones (boehm): what a conservative
# collector retains depends on addresses (ASLR), so its leak counts are not
# deterministic and cannot be gated exactly.
REGRESS_STRATEGIES ?= $$($(MEMBENCH) list --format json | /usr/bin/python3 -c 'import json, sys; \
  print(",".join(s["name"] for s in json.load(sys.stdin)["strategies"] if "conservative" not in s["attributes"]))')
# --allocator libc: the baseline's (the default became own after it was
# recorded; the counters are the same on both, tests/test_ownheap.c).
REGRESS_SUITE ?= -s $(REGRESS_STRATEGIES) -w all -i both --scale quick --seed 42 --allocator libc
BASELINE      ?= results/baseline.json
REGRESS_REPS_BASELINE ?= 9
ifeq ($(REGRESS_TIMES),1)
  REGRESS_REPS    ?= 9
  REGRESS_COMPARE ?= --times --memory
else
  REGRESS_REPS    ?= 1
  REGRESS_COMPARE ?= --no-times --no-memory
endif
baseline: $(MEMBENCH)
	@mkdir -p $(dir $(BASELINE))
	$(MEMBENCH) run $(REGRESS_SUITE) -r $(REGRESS_REPS_BASELINE) -f json -o $(BASELINE)
	@echo "membench: wrote $(BASELINE); commit it to move the gate's baseline"
regress: $(MEMBENCH)
	@rm -f $(B)/regress.json
	@$(MEMBENCH) run $(REGRESS_SUITE) -r $(REGRESS_REPS) -f json -o $(B)/regress.json 2>$(B)/regress.log; \
	  test -f $(B)/regress.json || { cat $(B)/regress.log; echo "membench: the regress run wrote no results"; exit 2; }
	$(MEMBENCH) compare $(BASELINE) $(B)/regress.json $(REGRESS_COMPARE) $(COMPARE_ARGS)

# gate-calibrate: the gate's false-alarm rate on times, measured: CALIBRATE_PAIRS
# pairs of same-build runs (interleaved, CALIBRATE_MODE=sequential for the other
# design), how many the gate flagged; the report goes to results/gate-calibrate.txt.
CALIBRATE_PAIRS ?= 20
CALIBRATE_MODE  ?= interleaved
gate-calibrate: $(MEMBENCH)
	@mkdir -p results $(B)/calibrate-$(CALIBRATE_MODE)
	@cp $(MEMBENCH) $(B)/calibrate-$(CALIBRATE_MODE)/membench   # one binary throughout, whatever is rebuilt meanwhile
	scripts/gate-calibrate --pairs $(CALIBRATE_PAIRS) --mode $(CALIBRATE_MODE) --membench $(B)/calibrate-$(CALIBRATE_MODE)/membench \
	  --out results/gate-calibrate-$(CALIBRATE_MODE).txt -- $(COMPARE_ARGS)

# Instruction counts (valgrind's callgrind, scripts/mb-callgrind) of chosen cases:
# repeatable whatever the machine's load. baseline-instructions writes
# INSTR_BASELINE (committed); regress-instructions compares the cases now with it.
INSTR_CASES    ?= cycle-pairs/rc-cycle/interning:off shared-refs/rc/interning:off \
                  binary-trees/mark-sweep/interning:off dlist/rc-gen/interning:on
INSTR_BASELINE ?= results/baseline-instructions.json
baseline-instructions: $(MEMBENCH)
	scripts/mb-callgrind --membench $(MEMBENCH) -o $(INSTR_BASELINE) $(INSTR_CASES)
regress-instructions: $(MEMBENCH)
	scripts/mb-callgrind --membench $(MEMBENCH) -o $(B)/regress-instructions.json $(INSTR_CASES)
	$(MEMBENCH) compare $(INSTR_BASELINE) $(B)/regress-instructions.json --metric instructions $(COMPARE_ARGS)

# The dashboard's charting library, uPlot, from the npm registry at the version and hash of
# scripts/dashboard/package-lock.json, into build/npm (part of deps; the test binary needs it for
# tests/test_history.c): mb-dashboard copies it beside the page, which loads nothing from a network.
# NPM_PKGS: Debian's Node.js and npm, installed only where no npm is on PATH (a machine with another
# Node.js build, which carries its own npm, would refuse Debian's npm as a conflict).
NPM_PKGS  := nodejs npm
NPM_STAMP := build/.deps-npm-ok
$(NPM_STAMP): Makefile | $(DEPS_STAMP)
	@if command -v npm >/dev/null 2>&1; then mkdir -p build && touch $@; fi
	$(if $(shell command -v npm),,$(call install_missing,$(NPM_PKGS)))
NPM_DIR := build/npm
UPLOT   := $(NPM_DIR)/node_modules/uplot/dist/uPlot.iife.min.js
$(UPLOT): scripts/dashboard/package.json scripts/dashboard/package-lock.json | $(NPM_STAMP)
	@mkdir -p $(NPM_DIR) && cp scripts/dashboard/package.json scripts/dashboard/package-lock.json $(NPM_DIR)/
	cd $(NPM_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@
$(TESTBIN): | $(UPLOT)

# plots, report: pictures of a results file (docs/plots.md).
RESULTS   ?= results/latest.json
PLOTS_OUT ?= plots/out
REPORT    ?= results/report.md
PLOTDATA  := /usr/bin/python3 scripts/mb-plotdata
plots: $(DEPS_STAMP)
	@test -f $(RESULTS) || { echo "membench: no $(RESULTS): run make bench, or pass RESULTS=file.json"; exit 2; }
	$(PLOTDATA) plots $(RESULTS) --out $(PLOTS_OUT)
report: plots
	$(PLOTDATA) report $(RESULTS) --pictures $(PLOTS_OUT) --out $(REPORT)
	@echo "membench: report written to $(REPORT)"

# dashboard: a static site of the history (scripts/mb-dashboard, docs/history.md): the change
# points and a trend chart per workload first, then the runs and the latest results, into
# DASHBOARD/index.html. DASH_PKGS: chromium is what tests/test_history.c renders it with.
DASH_PKGS  := python3 chromium
DASH_STAMP := build/.deps-dash-ok
$(DASH_STAMP): Makefile | $(DEPS_STAMP)
	$(call install_missing,$(DASH_PKGS))
DASHBOARD ?= results/dashboard
dashboard: $(MEMBENCH) $(DASH_STAMP) $(UPLOT)
	/usr/bin/python3 scripts/mb-dashboard --membench $(MEMBENCH) --db $(HISTORY) --results $(RESULTS) --out $(DASHBOARD)

# plots-scaling: each SCALING_WORKLOADS at SCALING_SIZES (three orders of magnitude and more), every strategy.
SCALING_WORKLOADS ?= cycle-pairs shared-refs
SCALING_SIZES     ?= 10000 30000 100000 300000 1000000 3000000 10000000
plots-scaling: $(MEMBENCH)
	@rm -rf $(PLOTS_OUT)/scaling && mkdir -p $(PLOTS_OUT)/scaling
	@for w in $(SCALING_WORKLOADS); do for n in $(SCALING_SIZES); do \
	  echo "membench: scaling $$w n=$$n"; \
	  $(MEMBENCH) run -w $$w -s all -i off -r 1 -n $$n -f json -o $(PLOTS_OUT)/scaling/$$w.n$$n.json 2>/dev/null || \
	    echo "membench: scaling $$w n=$$n did not complete (see $(PLOTS_OUT)/scaling/$$w.n$$n.json)"; \
	done; done
	$(PLOTDATA) scaling --out $(PLOTS_OUT) $(PLOTS_OUT)/scaling/*.json

# plots-heap: the strategies with the heap-policy attribute at HEAP_MULTIPLIERS, HEAP_SCALE sizes.
HEAP_WORKLOADS   ?= binary-trees,large-live-heap,gcold,perm,deltablue
HEAP_MULTIPLIERS ?= 1.25 1.5 2 2.5 3 4 6
HEAP_SCALE       ?= default
plots-heap: $(MEMBENCH)
	@rm -rf $(PLOTS_OUT)/heap && mkdir -p $(PLOTS_OUT)/heap
	@s=$$($(PLOTDATA) policy-strategies $(MEMBENCH)) && test -n "$$s" || { echo "membench: no heap-policy strategy"; exit 2; }; \
	for m in $(HEAP_MULTIPLIERS); do \
	  echo "membench: heap multiplier $$m ($$s)"; \
	  $(MEMBENCH) run -s $$s -w $(HEAP_WORKLOADS) -i off -r 3 --scale $(HEAP_SCALE) --heap-multiplier $$m \
	    -f json -o $(PLOTS_OUT)/heap/m$$m.json 2>/dev/null || echo "membench: heap multiplier $$m did not complete"; \
	done
	$(PLOTDATA) heap --out $(PLOTS_OUT) $(PLOTS_OUT)/heap/*.json

# install: the binary, the plug-in headers (include/membench/mb_plugin.h, object.h) and
# membench.pc for pkg-config under PREFIX (DESTDIR for staging); INSTALL_BIN picks
# another built binary (build/debug/membench) without rebuilding (docs/plugins.md).
PREFIX      ?= /usr/local
INSTALL_BIN ?= $(MEMBENCH)
MB_VERSION   = $(shell sed -n 's/^const char mb_version\[\] = "\(.*\)";/\1/p' harness/run/context.c)
install: $(INSTALL_BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/membench $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/membench
	install -m 644 include/membench/mb_plugin.h include/membench/object.h $(DESTDIR)$(PREFIX)/include/membench/
	install -m 644 docs/membench.1 $(DESTDIR)$(PREFIX)/share/man/man1/membench.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(MB_VERSION)|' membench.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/membench.pc

# plots-examples: the committed pictures of docs/plots.md, from a quick run of everything.
EXAMPLES := throughput memory leaks pauses
# The man page is made from the table of options (harness/cli/options.c);
# tests/test_options.c fails when the committed page differs.
man: $(MEMBENCH)
	$(MEMBENCH) man > docs/membench.1.tmp && mv docs/membench.1.tmp docs/membench.1

plots-examples: $(MEMBENCH)
	@mkdir -p $(PLOTS_OUT)/examples plots/examples
	$(MEMBENCH) run -s all -w all -i both --twins --scale quick -r 6 -f json -o $(PLOTS_OUT)/examples/run.json
	$(PLOTDATA) plots $(PLOTS_OUT)/examples/run.json --out $(PLOTS_OUT)/examples --no-svg
	$(MAKE) --no-print-directory plots-scaling SCALING_SIZES="1000 10000 100000 1000000 10000000" PLOTS_OUT=$(PLOTS_OUT)/examples
	for p in $(EXAMPLES); do cp $(PLOTS_OUT)/examples/$$p*.png plots/examples/; done
	cp $(PLOTS_OUT)/examples/scaling-*.png plots/examples/

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
