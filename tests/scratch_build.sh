#!/bin/sh
# scratch_build.sh: the tree at SRC copied to DIR with a dummy strategy and a dummy workload added, and built
# (tests/test_scratch.c). Usage: scratch_build.sh SRC DIR [debug|stress|sanitize]
#
# The dummy strategy is strategies/none.c renamed "dummy", the dummy workload workloads/long_chain.c renamed
# "dummy-chain" (so they set every field those set, whatever the descriptors hold); each gets one line in
# harness/run/registry.c's lists. SRC's object files are reused (dated before every source), so only what the
# dummies touch is compiled. Exit status: 0 built; 3 the registry has no list to add a line to (stale); else
# the build failed.
set -e
src=$1 dir=$2 kind=$3
sub=${kind:+/$kind}
flags=
case "$kind" in
    debug) flags=DEBUG=1 ;;
    stress) flags=STRESS=1 ;;
    sanitize) flags=SANITIZE=1 ;;
esac
mkdir -p "$dir/build$sub"
(cd "$src" && tar --exclude=./build --exclude=./.git -cf - .) | (cd "$dir" && tar -xf -)
find "$dir" -path "$dir/build" -prune -o -type f -exec touch -d 2000-01-01 {} +
if [ -d "$src/build$sub/obj" ]; then
    cp -R "$src/build$sub/obj" "$dir/build$sub/"
    find "$dir/build$sub/obj" -name '*.d' -exec sed -i "s|$src/|$dir/|g" {} +
    rm -f "$dir/build$sub/obj/rec/rec_list.c"
fi
: >"$dir/build/.deps-ok"             # never `make deps` (apt-get) from a test: a missing package fails the build
find "$dir/build" -type f -exec touch -d 2001-01-01 {} +

sed -e 's/mb_strategy_none\b/mb_strategy_dummy/' -e 's/\.name = "none"/.name = "dummy"/' \
    "$src/strategies/none.c" > "$dir/strategies/dummy.c"
sed -e 's/mb_workload_long_chain\b/mb_workload_dummy/' -e 's/\.name = "long-chain"/.name = "dummy-chain"/' \
    "$src/workloads/long_chain.c" > "$dir/workloads/dummy.c"
reg="$dir/harness/run/registry.c"
sed -i -e '/mb_strategies\[\] = {/,/^    NULL/ s/^    NULL/    \&mb_strategy_dummy,\n    NULL/' \
       -e '/mb_workloads\[\] = {/,/^    NULL/ s/^    NULL/    \&mb_workload_dummy,\n    NULL/' \
       -e '0,/^extern const mb_strategy_t/ s/^extern const mb_strategy_t/extern const mb_strategy_t mb_strategy_dummy;\nextern const mb_workload_t mb_workload_dummy;\n&/' "$reg"
if [ "$(grep -c 'mb_strategy_dummy\|mb_workload_dummy' "$reg")" != 4 ]; then
    echo "scratch_build.sh: harness/run/registry.c has no mb_strategies[] / mb_workloads[] list ending in NULL to add a line to" >&2
    exit 3
fi
cd "$dir"
make -j2 $flags "build$sub/membench" "build$sub/membench-tests" >build.log 2>&1 || { tail -30 build.log >&2; exit 1; }
