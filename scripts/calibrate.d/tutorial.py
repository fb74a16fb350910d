# tutorial.py: the seed tutorial's examples executed by CPython itself, printed in
# the lines of `membench tour` (tests/test_tutorial.c compares the two, line by line).
#
# usage: python3 tutorial.py
# Each commented line is `EXPRESSION  # VALUE`, VALUE as the tour's comment up to
# its first ":" or " (" (the tour explains, CPython only answers). Counts are
# read as the tutorial reads them: ctypes at the object's address. Lines
# starting "# cpython:" are extra observations for docs/calibration.md, not compared.
import ctypes
import gc
import sys


def ref_count(address):
    return ctypes.c_long.from_address(address).value


def object_by_id(object_id):
    for obj in gc.get_objects():
        if id(obj) == object_id:
            return "object exists"
    return "not found"


def say(expr, value):
    print(f"{expr:<34} # {value}")


# 1. Names share objects
print("## 1. Names share objects: a = x")
x = [1, 2, 3]
a = x
say("a is x", a is x)
say("id(a) == id(x)", id(a) == id(x))
say("ref_count(id(x))", ref_count(id(x)))
say("sys.getrefcount(x)", sys.getrefcount(x))
del a, x

# 2. A reference cycle
print("## 2. A reference cycle: A.b = B, B.a = A")


class A:
    def __init__(self):
        self.b = B(self)


class B:
    def __init__(self, a):
        self.a = a


gc.disable()
my_var = A()
a_id, b_id = id(my_var), id(my_var.b)
say("ref_count(a_id)", ref_count(a_id))
say("ref_count(b_id)", ref_count(b_id))
say("object_by_id(a_id)", object_by_id(a_id))
my_var = None
say("ref_count(a_id)", ref_count(a_id))
say("ref_count(b_id)", ref_count(b_id))
say("object_by_id(a_id)", object_by_id(a_id))
say("object_by_id(b_id)", object_by_id(b_id))
gc.collect()
say("object_by_id(a_id)", object_by_id(a_id))
say("object_by_id(b_id)", object_by_id(b_id))

# 3. Finalizers in a cycle (PEP 442: CPython 3.4 and later)
print("## 3. Finalizers in a cycle (modern semantics, PEP 442)")
ran = []


class FA:
    def __del__(self):
        ran.append("A")


class FB:
    def __del__(self):
        ran.append("B")


gc.disable()
a = FA()
b = FB()
a.b = b
b.a = a
a_id, b_id = id(a), id(b)
del a, b
gc.collect()
say("object_by_id(a_id)", object_by_id(a_id))
say("object_by_id(b_id)", object_by_id(b_id))
say("len(gc.garbage)", len(gc.garbage))
before = len(ran)
gc.collect()
say("gc.collect()", "again")
say("finalizers run by the second collect", len(ran) - before)
say("finalizers run in all", len(ran))

# 4. Interning: CPython always interns, so the tour's "interning on"
print("## 4. Interning (on): small ints and strings")
a = int("10")                          # variables, built at run time: the small-int cache, not constants
b = int("10")
say("a is b", a is b)
a = int("1000")
b = int("1000")
say("a is b", a is b)
a = eval('"hello"')                    # two compilations: shared only if interned, not as one constant
b = eval('"hello"')
say("a is b", a is b)
count = ref_count(id(a))
c = a
# The tour's "immortal (interned): its count never changes" holds when a
# new reference leaves the count as it was (CPython 3.12, PEP 683).
say("ref_count(id(a))", "immortal" if ref_count(id(a)) == count else "counted")
del c
l1 = [1, 2, 3]
l2 = [1, 2, 3]
say("l1 is l2", l1 is l2)
s1 = "".join(["hel", "lo"])
s2 = "".join(["hel", "lo"])
print(f"# cpython: runtime-built equal strings shared: {s1 is s2}; after sys.intern: {sys.intern(s1) is sys.intern(s2)}")
print(f"# cpython: two compilations of \"hello world\" shared: {eval(chr(34) + 'hello world' + chr(34)) is eval(chr(34) + 'hello world' + chr(34))}")
print(f"# cpython: {sys.version.split()[0]}")
