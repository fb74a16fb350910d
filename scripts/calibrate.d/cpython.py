# cpython.py: the calibration shapes in CPython (scripts/calibrate, docs/calibration.md).
#
# usage: python3 cpython.py SHAPE N
#   SHAPE: cycles (N garbage A <-> B pairs), full (a chain of N live lists),
#          ring3 / ring100 / ring10000 (N garbage lists in rings of 3, 100,
#          10,000), fin-cycles (N garbage pairs of objects with __del__),
#          binary-trees (GCBench, N = depth: the whole program).
# prints: cpython SHAPE N WALL_NS CPU_NS
# The shape is built with the collector disabled, then one gc.collect() is
# timed (time.perf_counter_ns and time.process_time_ns), so the interpreter's
# start-up and the building stay out; gc.freeze() first moves the interpreter's
# own objects (modules, classes) to the permanent generation, so the collection
# traverses the shape, not the interpreter. Containers are lists of one slot, the
# suite's one-slot lists; the finalizer objects are ordinary class instances.
import gc
import sys
import time

finalized = 0


class F:
    """A finalizer object (the seed's A and B with __del__)."""

    def __init__(self):
        self.next = None

    def __del__(self):
        global finalized
        finalized += 1


def build(shape, n):
    if shape == "full":
        head = None
        for _ in range(n):
            head = [head]
        return head, n
    k = {"cycles": 2, "fin-cycles": 2, "ring3": 3, "ring100": 100, "ring10000": 10000}[shape]
    rings = n if k == 2 else max(1, n // k)
    for _ in range(rings):
        if shape == "fin-cycles":
            a = F()
            b = F()
            a.next = b
            b.next = a
        else:
            first = prev = [None]
            for _ in range(k - 1):
                c = [None]
                prev[0] = c
                prev = c
            prev[0] = first
    a = b = first = prev = c = None
    return None, rings * k


def make_tree(d):
    return [None, None] if d == 0 else [make_tree(d - 1), make_tree(d - 1)]


def populate(d, node):
    if d == 0:
        return
    node[0] = [None, None]
    node[1] = [None, None]
    populate(d - 1, node[0])
    populate(d - 1, node[1])


def size(d):
    return (2 << d) - 1


def binary_trees(n):
    """GCBench as scripts/gcbench.lua and workloads/binary_trees.c; automatic collection on."""
    stretch = make_tree(n + 2)
    stretch = None
    long_lived = [None, None]
    populate(n, long_lived)
    for d in range(4, n + 1, 2):
        for _ in range(2 * size(n + 2) // size(d)):
            t = [None, None]
            populate(d, t)
            t = make_tree(d)
    return long_lived


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: cpython.py SHAPE N")
    shape, n = sys.argv[1], int(sys.argv[2])
    sys.setrecursionlimit(10000)
    if shape == "binary-trees":
        t0, c0 = time.perf_counter_ns(), time.process_time_ns()
        binary_trees(n)
        wall, cpu = time.perf_counter_ns() - t0, time.process_time_ns() - c0
    else:
        gc.collect()
        gc.freeze()     # the interpreter's own objects out of the way, as a program's start-up (rc-gen has it too)
        gc.disable()
        live, expect = build(shape, n)
        t0, c0 = time.perf_counter_ns(), time.process_time_ns()
        found = gc.collect()
        wall, cpu = time.perf_counter_ns() - t0, time.process_time_ns() - c0
        if shape != "full" and found < expect:
            sys.exit(f"cpython: {shape}: gc.collect() found {found} of {expect}")
        if shape == "fin-cycles" and finalized != expect:
            sys.exit(f"cpython: {shape}: {finalized} of {expect} finalizers ran")
    print(f"cpython {shape} {n} {wall} {cpu}")


main()
