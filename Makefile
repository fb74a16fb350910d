# membench: build, test and benchmark. `make bench` and `make test` do all the set-up (see README.md).

CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP
LDLIBS  += -ljansson -ldl -lm
# The commit this binary was built from, in every JSON report ("unknown" outside git);
# only harness/context.c sees it, rebuilt when the commit changes (a stamp file).
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

CORE_SRC  := $(wildcard strategies/*.c workloads/*.c) $(filter-out harness/main.c,$(wildcard harness/*.c))
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(BUILD)/obj/harness/main.o
TEST_SRC  := $(wildcard tests/*.c)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
MEMBENCH  := $(BUILD)/membench
TESTBIN   := $(BUILD)/membench-tests

# Debian packages the project needs (README: Dependencies).
DEB_PKGS := build-essential pkg-config libjemalloc-dev libjemalloc2 gnuplot-nox hyperfine \
            libcriterion-dev python3-scipy libbenchmark-tools libjansson-dev
DEPS_STAMP := build/.deps-ok

.PHONY: all deps test test-release test-debug test-stress bench hyperfine clean tour FORCE
all: $(MEMBENCH)

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

GIT_STAMP := $(BUILDROOT)/.git-commit
$(GIT_STAMP): FORCE
	@mkdir -p $(BUILDROOT); echo '$(GIT_COMMIT)' | cmp -s - $@ || echo '$(GIT_COMMIT)' > $@
$(BUILD)/obj/harness/context.o: $(GIT_STAMP)
$(BUILD)/obj/harness/context.o: CFLAGS += -DMB_GIT_COMMIT='"$(GIT_COMMIT)"'
FORCE:

$(MEMBENCH): $(CORE_OBJ) $(MAIN_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TESTBIN): $(CORE_OBJ) $(TEST_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ -lcriterion $(LDLIBS)

# deps: install missing Debian packages when root; otherwise print the exact command and stop.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): Makefile
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
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

# test: the whole suite in three builds: release, debug (heap verify after
# every collection) and stress (collect at every allocation), then one summary.
B := $(BUILDROOT)
test: $(DEPS_STAMP)
	@rm -f $(B)/test-*.log
	@$(MAKE) --no-print-directory -k test-release test-debug test-stress; st=$$?; \
	  scripts/test-summary $(B)/test-release.log $(B)/test-debug.log $(B)/test-stress.log; exit $$st

test-release: $(TESTBIN) $(MEMBENCH)
	MEMBENCH=$(MEMBENCH) $(TESTBIN) $(CRITERION_ARGS) 2>&1 | tee $(B)/test-release.log; exit $${PIPESTATUS[0]}
test-debug:
	@$(MAKE) --no-print-directory DEBUG=1 $(B)/debug/membench-tests $(B)/debug/membench
	MEMBENCH=$(B)/debug/membench $(B)/debug/membench-tests $(CRITERION_ARGS) 2>&1 | tee $(B)/test-debug.log; exit $${PIPESTATUS[0]}
test-stress:
	@$(MAKE) --no-print-directory STRESS=1 $(B)/stress/membench-tests $(B)/stress/membench
	MEMBENCH=$(B)/stress/membench MB_TEST_SMALL=1 $(B)/stress/membench-tests $(CRITERION_ARGS) 2>&1 | tee $(B)/test-stress.log; exit $${PIPESTATUS[0]}

SHELL := /bin/bash

# bench: the main job on defaults: every strategy on every workload, interning on and off,
# into results/latest.json (the previous latest.json becomes previous.json), then the
# console summary read back from that file (the suite runs once). BENCH_ARGS narrows it.
BENCH_ARGS ?= -s all -w all -i both
bench: $(MEMBENCH)
	@mkdir -p results
	@rm -f results/.next.json; \
	  $(MEMBENCH) run $(BENCH_ARGS) -f json -o results/.next.json; st=$$?; \
	  if [ -f results/.next.json ]; then \
	    if [ -f results/latest.json ]; then mv results/latest.json results/previous.json; fi; \
	    mv results/.next.json results/latest.json; \
	    echo "membench: wrote results/latest.json"; \
	    $(MEMBENCH) report results/latest.json; \
	  fi; exit $$st

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

tour: $(MEMBENCH)
	@for s in rc mark-sweep none; do $(MEMBENCH) tour -s $$s; done

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
