# mb_plotlib.py: what scripts/mb-plotdata and mb_pictures.py share: reading results JSON, writing gnuplot input, running gnuplot.
"""Reading membench results (docs/design.md section 8) and writing gnuplot data and settings files (docs/plots.md)."""
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys

PROG = "mb-plotdata"
HERE = os.path.dirname(os.path.abspath(__file__))
GPDIR = os.path.join(os.path.dirname(HERE), "plots")

# One colour per strategy, in order of first appearance (Okabe-Ito, readable by the colour-blind;
# its yellow, unreadable on white, replaced by Tol's wine).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255"]
# Fill patterns of pngcairo/svg: 3 is solid (interning on), 4 is diagonal hatching (interning off).
PAT_ON, PAT_OFF = 3, 4
NAME_RE = re.compile(r"^(?P<w>.+)/(?P<s>[^/]+)/interning:(?P<i>on|off)$")   # trace:PATH may hold slashes
AGGS = ("mean", "median", "stddev", "cv")


def warn(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)


def die(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------- reading results

class Case:
    """One workload x strategy x interning: its repetitions, aggregates and error."""

    def __init__(self, name, w, s, i):
        self.name, self.workload, self.strategy, self.interning = name, w, s, i
        self.iters = []        # iteration rows without error
        self.aggs = {}         # aggregate name -> row
        self.error = None      # error_message of a failed repetition, if any
        self.label = ""        # the label of the first row that has one (the harness writes "n=<size>")

    def stat(self, key, agg="median"):
        """The aggregate `agg` (median or stddev) of counter `key`: Google Benchmark's
        own aggregate row when present, else computed from the repetitions; None if
        no row carries the counter."""
        row = self.aggs.get(agg)
        if row is not None and isinstance(row.get(key), (int, float)) and not isinstance(row.get(key), bool):
            return row[key]             # an integer stays exact (json reads it as int)
        raw = [r[key] for r in self.iters if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]
        if not raw:
            return None
        vals = [float(v) for v in raw]
        if agg == "median":
            if all(isinstance(v, int) for v in raw):   # exact counters: never through a double
                s = sorted(raw)
                lo, hi = s[(len(s) - 1) // 2], s[len(s) // 2]
                return lo if lo == hi else (lo + hi) / 2
            return statistics.median(vals)
        if agg == "mean":
            return statistics.fmean(vals)
        if agg == "stddev":
            return statistics.stdev(vals) if len(vals) > 1 else 0.0
        raise ValueError(agg)

    def seconds(self):
        """Median wall time of one repetition in seconds (real_time in time_unit)."""
        t = self.stat("real_time")
        if t is None:
            return None
        unit = (self.aggs.get("median") or (self.iters[0] if self.iters else {})).get("time_unit", "ns")
        return t * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}.get(unit, 1e-9)


class Results:
    """A results file: context, cases in order of appearance, what was skipped."""

    def __init__(self, path, sweep=False):
        self.path = path
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            die(f"cannot read {path}: {e}")
        if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
            die(f"{path}: not a benchmark results file (no 'benchmarks' list)")
        self.context = doc.get("context") or {}
        self.cases = {}
        self.skipped = []
        for b in doc["benchmarks"]:
            self._add(b)
        self.workloads = unique(c.workload for c in self.cases.values())
        self.strategies = unique(c.strategy for c in self.cases.values())
        for c in self.cases.values():
            if c.error is not None and not c.iters:
                self.skip(f"{c.name}: failed: {c.error}")
            elif c.error is not None:
                self.skip(f"{c.name}: some repetitions failed ({c.error}); drawn from the others")
        if len(self.strategies) == 1 and not sweep:
            self.skip(f"only one strategy ({self.strategies[0]}) in {path}: pictures show it alone, nothing to compare")

    def skip(self, msg):
        self.skipped.append(msg)
        warn("skipped " + msg)

    def _add(self, b):
        if not isinstance(b, dict):
            return
        name = b.get("run_name") or b.get("name", "")
        agg = b.get("aggregate_name") if b.get("run_type") == "aggregate" else None
        if agg and not b.get("run_name") and name.endswith("_" + agg):
            name = name[: -len(agg) - 1]
        m = NAME_RE.match(name)
        if not m:
            self.skip(f"entry '{b.get('name')}': name is not <workload>/<strategy>/interning:<on|off>")
            return
        c = self.cases.get(name)
        if c is None:
            c = self.cases[name] = Case(name, m["w"], m["s"], m["i"])
        if not c.label and isinstance(b.get("label"), str):
            c.label = b["label"]
        if b.get("error_occurred"):
            c.error = b.get("error_message", "error")
        elif agg:
            if agg in AGGS:
                c.aggs[agg] = b
        else:
            c.iters.append(b)

    def case(self, w, s, i):
        c = self.cases.get(f"{w}/{s}/interning:{i}")
        return c if c is not None and (c.iters or c.aggs) else None

    def usable(self):
        return [c for c in self.cases.values() if c.iters or c.aggs]

    def series(self):
        """(strategy, interning) pairs that have at least one usable case, strategy-major."""
        out = []
        for s in self.strategies:
            for i in ("off", "on"):
                if any(self.case(w, s, i) for w in self.workloads):
                    out.append((s, i))
        return out

    def repetitions(self):
        reps = [c.aggs.get("median", {}).get("repetitions") or len(c.iters) for c in self.usable()]
        return max(reps) if reps else 0

    def run_title(self):
        """What was run, for every picture's title."""
        return run_title(self.context, self.repetitions())


def unique(xs):
    seen = []
    for x in xs:
        if x not in seen:
            seen.append(x)
    return seen


def run_title(ctx, reps, heap=True, scale=True):
    commit = str(ctx.get("git_commit", "?"))[:12]
    hm = ctx.get("heap_multiplier")
    parts = ([f"scale {ctx.get('scale', '?')}"] if scale else []) + \
        [f"{reps} repetition{'s' if reps != 1 else ''}", f"allocator {ctx.get('allocator', '?')}"]
    if hm is not None and heap:
        parts.append(f"heap x{hm:g}")
    parts.append(f"commit {commit}")
    return ", ".join(parts)


# ---------------------------------------------------------------- writing gnuplot input

def gp_str(s):
    """A gnuplot double-quoted string literal."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def num(v):
    return "NaN" if v is None or (isinstance(v, float) and math.isnan(v)) else repr(float(v))


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def meta(path, values, arrays, extra=()):
    """A gnuplot file of settings: scalars, arrays, raw commands."""
    lines = [f"# {os.path.basename(path)}: written by {PROG}; loaded by the matching plots/*.gp"]
    for k, v in values.items():
        lines.append(f"{k} = {gp_str(v) if isinstance(v, str) else v}")
    for k, vs in arrays.items():
        items = ", ".join(gp_str(v) if isinstance(v, str) else str(v) for v in vs)
        lines.append(f"array {k}[{max(len(vs), 1)}]" + (f" = [{items}]" if vs else ""))
    lines.extend(extra)
    write(path, "\n".join(lines) + "\n")


def xtics(labels):
    return "set xtics (" + ", ".join(f"{gp_str(l)} {k}" for k, l in enumerate(labels)) + ")"


# Conservative collectors: an object a stale or ambiguous word seems to point
# at stays alive. What they leave after teardown is conservative retention, not
# a leak of the strategy's bookkeeping. The results file carries no attributes;
# a context field "conservative_strategies" (a list) overrides this default.
CONSERVATIVE = ("boehm", "bdwgc-direct")
CONF = 0.95


def page_names(pic, n):
    return [pic] if n == 1 else [f"{pic}-{k}" for k in range(1, n + 1)]


def chunks(xs, n):
    return [xs[k:k + n] for k in range(0, len(xs), n)]


def picture_files(pics, pic):
    """The pages of a picture in a directory, in page order."""
    if not os.path.isdir(pics):
        return []
    found = []
    for f in os.listdir(pics):
        m = re.match(re.escape(pic) + r"(?:-(\d+))?\.png$", f)
        if m:
            found.append((int(m[1] or 0), f))
    return [f for _, f in sorted(found)]


def binom_cdf(k, n):
    """P(B <= k) for B ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(0, k + 1)) / 2 ** n if k >= 0 else 0.0


def median_ci(vals, conf=CONF):
    """Distribution-free confidence interval of the median from order statistics
    (the binomial interval): [x_(k), x_(n+1-k)] (1-based, sorted) covers the
    population median with probability 1 - 2 P(B <= k-1), B ~ Binomial(n, 1/2).
    The narrowest such interval with coverage >= conf; when n is too small for
    conf (n < 6 for 95%), the widest one, min..max, and its lower coverage.
    Returns (lo, hi, coverage), or None without values."""
    xs = sorted(vals)
    n = len(xs)
    if n == 0:
        return None
    best = 1
    for k in range(1, (n + 1) // 2 + 1):
        if 1 - 2 * binom_cdf(k - 1, n) >= conf:
            best = k
    return xs[best - 1], xs[n - best], max(0.0, 1 - 2 * binom_cdf(best - 1, n))


def numbers(c, key):
    return [float(r[key]) for r in c.iters if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]


def cpu_rates(c):
    """Operations per CPU second of each repetition: items_per_second x real_time / cpu_time."""
    out = []
    for r in c.iters:
        ips, rt, ct = r.get("items_per_second"), r.get("real_time"), r.get("cpu_time")
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (ips, rt, ct)) and ct > 0:
            out.append(float(ips) * float(rt) / float(ct))
    return out


def cpu_median(c):
    vals = cpu_rates(c)
    if vals:
        return statistics.median(vals)
    row = c.aggs.get("median") or {}
    ips, rt, ct = c.stat("items_per_second"), row.get("real_time"), row.get("cpu_time")
    if ips is None or not isinstance(rt, (int, float)) or not isinstance(ct, (int, float)) or ct <= 0:
        return None
    return ips * rt / ct



def conservative_strategies(res):
    cs = res.context.get("conservative_strategies")
    return set(cs) if isinstance(cs, list) else set(CONSERVATIVE)

def gnuplot(gp, out, name, fmts, extra=""):
    """Run plots/<gp>.gp with DIR (data and output directory), NAME and FMT set."""
    ok = True
    for fmt in fmts:
        cmd = ["gnuplot", "-e", f"DIR={gp_str(out)}; NAME={gp_str(name)}; FMT={gp_str(fmt)}; GPDIR={gp_str(GPDIR)}; {extra}",
               os.path.join(GPDIR, gp + ".gp")]
        r = subprocess.run(cmd, capture_output=True, text=True)
        # a panel where one kind of bar has no point (no conservative collector, a failed case) is expected
        msgs = [l for l in r.stderr.splitlines() if l.strip() and "Skipping data file with no valid points" not in l]
        if r.returncode != 0:
            warn(f"gnuplot failed on {gp}.gp ({fmt}):\n" + "\n".join(msgs))
            ok = False
        elif msgs:
            warn(f"gnuplot says on {gp}.gp ({fmt}): " + " | ".join(msgs))
    return ok


def formats(args):
    return ["png"] + ([] if "--no-svg" in args else ["svg"])


def need_gnuplot(args):
    if "--no-gnuplot" in args:
        return False
    if shutil.which("gnuplot") is None:
        die("gnuplot not found: install Debian gnuplot-nox (make deps)")
    return True
