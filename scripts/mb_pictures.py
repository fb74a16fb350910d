# mb_pictures.py: the throughput, memory, leaks and pauses pictures of scripts/mb-plotdata (data, settings, legends).
"""One panel per workload, strategies on the x axis, the cases of a strategy centred on its label.
Every picture is read at a page width of READ_W pixels: its fonts are chosen so that no text is
smaller than MIN_PX there (tests/test_plots.c checks it), and its legend lists only what is drawn."""
import os
import statistics

from mb_plotlib import CONF, Results, chunks, conservative_strategies, cpu_median, cpu_rates, gp_str, median_ci, \
    meta, num, numbers, page_names, write, xtics  # noqa: F401 (Results: the type every function takes)

# A picture is PAGE_W pixels wide; COLS panels a row, at most ROWS rows a picture; more workloads
# make more pictures, <picture>-1, <picture>-2, ... (a single page keeps the plain name <picture>).
PAGE_W, COLS, ROWS = 1200, 2, 3
FONT, SMALL = 14, 12                    # points of the text and of the labels on the bars (pngcairo: pixels)
READ_W, MIN_PX = 800, 8                 # the page width a picture is read at, and the smallest text there
TITLE_H, KEY_H, CELL_H = 84, 84, 430    # pixels: the picture's title, the legend under it, a panel with its labels
TWINS = ("explicit-floor",)             # direct twins of `run --twins`: the reference of throughput when present
CV_RED = 0.10                           # a cv from here on is printed red above its bar
PAUSES = ("pause_p50_ns", "pause_p99_ns", "pause_max_ns")
FEW_PAUSES = 5                          # fewer pauses a repetition than this: each pause a point, no box
PICTURES = ("throughput", "memory", "leaks", "pauses")
PATTERN = {"off": 4, "on": 3}           # pngcairo fill patterns: 4 hatched (interning off), 3 solid (on)


class Slots:
    """x positions in a panel: strategy j at x = j, its cases (one per interning value of the
    run) side by side and centred on j, `bars` bars a case, each BW wide, OFF from the case's x."""

    def __init__(self, res, bars):
        self.ints = [i for i in ("off", "on") if any(c.interning == i for c in res.cases.values())] or ["off"]
        self.sw = 0.8 / len(self.ints)      # width of a case's group of bars
        self.bars = bars                    # bars a case

    def x(self, j, i):
        n = len(self.ints)
        return j + (self.ints.index(i) - (n - 1) / 2) * self.sw if i in self.ints else float(j)

    def cmds(self):
        return [f"BW = {self.sw / self.bars * 0.92:.4f}", f"OFF = {self.sw / (2 * self.bars) if self.bars > 1 else 0:.4f}"]


def panel_strategies(res, w):
    """The strategies that have a case (usable or failed) on workload w, in order."""
    return [s for s in res.strategies if any(f"{w}/{s}/interning:{i}" in res.cases for i in ("off", "on"))]


def panel_frame(res, w, strategies, slots):
    """gnuplot commands of one panel: x tics of its strategies, bar geometry, failed cases labelled."""
    cmds = [xtics(strategies), f"set xrange [-0.6:{len(strategies) - 0.4}]"] + slots.cmds()
    for j, s in enumerate(strategies):
        for i in ("off", "on"):
            if f"{w}/{s}/interning:{i}" in res.cases and res.case(w, s, i) is None:
                cmds.append(f'set label "failed" at {slots.x(j, i):.3f}, graph 0.03 rotate by 90 left front '
                            f'font ",{SMALL}" tc rgb "#aa0000"')
    return cmds


def key_plot(entries):
    """The legend panel's plot command: one key entry per (style, title), nothing else."""
    assert entries and all(t.strip() for _, t in entries), "an empty legend entry"
    return "plot -1 with lines notitle, " + ", ".join(f"keyentry {st} title {gp_str(t)}" for st, t in entries)


def key_rows(key):
    """Rows of the legend: as many columns as its longest entry allows across the picture (gnuplot
    gives every column that width, and drops the entries that do not fit in maxrows)."""
    longest = max(len(t) for _, t in key) * FONT * 0.6 + 90      # pixels: text, sample and gaps
    cols = max(1, min(len(key), int((PAGE_W - 40) // longest)))
    return (len(key) + cols - 1) // cols


def write_pages(res, out, pic, panels, key_fn, title):
    """panels: [(workload, block text, panel title, panel commands, tags)]; one picture per
    COLS x ROWS of them; key_fn(tags of a picture's panels) gives its legend, [(style, title)],
    so that a legend lists only what its own picture draws. Returns the page names written."""
    groups = chunks(panels, COLS * ROWS)
    names = page_names(pic, len(groups))
    for k, (name, group) in enumerate(zip(names, groups)):
        key = key_fn(set().union(*(p[4] for p in group)))
        keyrows = key_rows(key)
        key_h = max(KEY_H, 22 * keyrows + 26)
        rows = (len(group) + COLS - 1) // COLS
        height = TITLE_H + key_h + rows * CELL_H
        write(os.path.join(out, name + ".dat"), "\n\n\n".join(p[1] for p in group) + "\n")
        pg = f" (picture {k + 1} of {len(groups)})" if len(groups) > 1 else ""
        meta(os.path.join(out, name + ".meta"),
             {"RUN": res.run_title(), "TITLE": title + pg + "\n" + res.run_title(),
              "NP": len(group), "ROWS": rows, "COLS": min(COLS, len(group)) if rows == 1 else COLS,
              "WIDTH": PAGE_W, "HEIGHT": height, "FONT": FONT, "SMALL": SMALL, "KEYROWS": keyrows,
              "KEYPLOT": key_plot(key),
              # screen fractions: the legend's top edge (under the title), the panels' top edge
              "KEYTOP": round(1 - TITLE_H / height, 4), "PTOP": round(1 - (TITLE_H + key_h) / height, 4)},
             {"PTITLE": [p[2] for p in group], "PCMD": ["; ".join(p[3]) for p in group]})
    return names


def cv(vals):
    """Coefficient of variation of the repetitions (None with fewer than two)."""
    if len(vals) < 2 or statistics.fmean(vals) <= 0:
        return None
    return statistics.stdev(vals) / statistics.fmean(vals)


def reference(rated):
    """The case throughput is relative to: the explicit-floor twin (interning off first) when the
    run has it, else the workload's median case (the lower middle of the cases by median wall
    throughput), so that neither a noisy fastest case nor an outlier sets the scale."""
    twins = sorted((c for c in rated if c.strategy in TWINS), key=lambda c: c.interning != "off")
    if twins:
        return twins[0], "twin"
    by = sorted(rated, key=lambda c: c.stat("items_per_second"))
    return by[(len(by) - 1) // 2], "median case"


def throughput_row(res, c, ref_wall, ref_cpu, coverages):
    """wall_rel lo hi cpu_rel lo hi (relative to the reference), or None each."""
    row = []
    for med, vals, refv, what in ((c.stat("items_per_second"), numbers(c, "items_per_second"), ref_wall, "wall"),
                                  (cpu_median(c), cpu_rates(c), ref_cpu, "CPU")):
        if med is None or not refv:
            if what == "CPU":
                res.skip(f"throughput: {c.name} has no cpu_time: no CPU bar")
            row += [None, None, None]
            continue
        ci = median_ci(vals)
        if ci is None:
            res.skip(f"throughput: {c.name} has no repetitions: no {what} confidence interval")
            row += [med / refv, None, None]
            continue
        coverages.append(ci[2])
        row += [med / refv, min(ci[0], med) / refv, max(ci[1], med) / refv]
    return row


def throughput_panel(res, w, coverages, present):
    """One workload's block, title and commands; None without a rated case."""
    strategies, slots = panel_strategies(res, w), Slots(res, 1)
    cases = [c for s in strategies for i in ("off", "on") for c in [res.case(w, s, i)] if c is not None]
    rated = [c for c in cases if c.stat("items_per_second") is not None]
    for c in cases:
        if c not in rated:
            res.skip(f"throughput: {c.name} has no items_per_second")
    if not rated:
        res.skip(f"throughput: {w} has no case with results")
        return None
    ref, kind = reference(rated)
    ref_wall, ref_cpu = ref.stat("items_per_second"), cpu_median(ref)
    rows = []
    for j, s in enumerate(strategies):
        for i in ("off", "on"):
            c = res.case(w, s, i)
            if c in rated:
                rows.append((slots.x(j, i), c, throughput_row(res, c, ref_wall, ref_cpu, coverages)))
                present.add(i)
    cap = max([1.0] + [r[0] for _, _, r in rows if r[0] is not None] + [r[3] for _, _, r in rows if r[3] is not None]) * 1.2
    lines = [f"# panel {w}: reference {ref.name} ({kind}), wall {ref_wall!r} and CPU {ref_cpu!r} operations/s = 1.0",
             "# x wall_rel wall_ci_lo wall_ci_hi cpu_rel cpu_ci_lo cpu_ci_hi wall_ips cpu_ips on wall_cv cpu_cv "
             "wall_label_y cpu_label_y workload strategy interning"]
    for x, c, r in rows:
        cvs = [cv(numbers(c, "items_per_second")), cv(cpu_rates(c))]
        laby = [None if r[k] is None else min(max(r[k], r[k + 2] or r[k]), cap) for k in (0, 3)]
        lines.append(" ".join([f"{x:.3f}"] + [num(v) for v in r] + [num(c.stat("items_per_second")), num(cpu_median(c)),
                              "1" if c.interning == "on" else "0"] + [num(v) for v in cvs + laby] +
                              [w, c.strategy, c.interning]))
    cmds = panel_frame(res, w, strategies, slots) + [f"set yrange [0:{cap * 1.3:.4g}]"]
    return (w, "\n".join(lines), f"{w}: 1.0 = {ref.strategy} {ref.interning} ({kind})", cmds, present)


def throughput_picture(res, out):
    """Throughput relative to a reference per workload (see reference()): a wall bar per case, its
    whisker the confidence interval of the median (order statistics), its cv above it, and a
    point at the case's CPU throughput (also relative to the reference's)."""
    panels, coverages = [], []
    for w in res.workloads:
        p = throughput_panel(res, w, coverages, set())
        if p:
            panels.append(p)
    if not panels:
        res.skip("throughput: no case has results")
        return []
    cov = min(coverages) if coverages else 0.0
    ci = (f"whisker: {CONF:.0%} confidence interval of the median" if cov >= CONF else
          f"whisker: min..max of the repetitions ({cov:.0%} confidence interval of the median)")

    def key(present):
        return [(f'with boxes lc rgb "#0072B2" fs pattern {PATTERN[i]}', f"per wall second, interning {i}")
                for i in ("off", "on") if i in present] + \
            [('with points pt 13 ps 1.3 lc rgb "#000000"', "per CPU second (the median)"),
             ('with lines dt 2 lw 1.5 lc rgb "#444444"', "1.0: the reference named in the panel's title"),
             ('with yerrorbars pt -1 lc rgb "#000000"', ci)]
    title = (f"Throughput relative to a stable reference (median of the repetitions; above each bar its cv, "
             f"red from {CV_RED:.0%})")
    return write_pages(res, out, "throughput", panels, key, title)


def pair_lines(res, w, strategies, slots, counters, pic):
    """Lines of a panel of two counters per case: x, median and stddev of each counter,
    conservative (1 for a conservative collector), on, workload strategy interning."""
    cons = conservative_strategies(res)
    lines = [f"# panel {w}", "# x " + " ".join(f"{c}_median {c}_stddev" for c in counters) +
             " conservative on workload strategy interning"]
    rows = []
    for j, s in enumerate(strategies):
        for i in ("off", "on"):
            c = res.case(w, s, i)
            if c is None:
                continue
            row = []
            for ctr in counters:
                m = c.stat(ctr)
                if m is None:
                    res.skip(f"{pic}: {c.name} has no {ctr}")
                row += [m, c.stat(ctr, "stddev")]
            rows.append((s, i, row))
            lines.append(" ".join([f"{slots.x(j, i):.3f}"] + [num(v) for v in row] +
                                  ["1" if s in cons else "0", "1" if i == "on" else "0", w, s, i]))
    return lines, rows


def memory_picture(res, out):
    """Peak live bytes and peak RSS per case, bars on a linear axis in one unit a panel
    (KiB below 1 MiB, else MiB), whiskers one standard deviation."""
    panels = []
    for w in res.workloads:
        strategies, slots = panel_strategies(res, w), Slots(res, 2)
        lines, rows = pair_lines(res, w, strategies, slots, ("peak_live_bytes", "peak_rss_bytes"), "memory")
        tops = [(r[k] or 0) + (r[k + 1] or 0) for _, _, r in rows for k in (0, 2)]
        tags = {i for _, i, _ in rows} | ({"sd"} if any((r[k] or 0) > 0 for _, _, r in rows for k in (1, 3)) else set())
        unit, div = ("MiB", 1 << 20) if max(tops, default=0) >= 1 << 20 else ("KiB", 1 << 10)
        top = max(max(tops, default=0) / div, 1.0) * 1.08
        cmds = panel_frame(res, w, strategies, slots) + [f"U = {div}.0", f'set ylabel "{unit}"', f"set yrange [0:{top:.6g}]"]
        panels.append((w, "\n".join(lines), w, cmds, tags))
    if not panels:
        res.skip("memory: no case has results")
        return []
    def key(tags):
        return [(f'with boxes lc rgb "{col}" fs pattern {PATTERN[i]}', f"{what}, interning {i}")
                for what, col in (("peak live bytes", "#0072B2"), ("peak RSS", "#D55E00")) for i in ("off", "on")
                if i in tags] + \
            ([('with yerrorbars pt -1 lw 1.5 lc rgb "#000000"', "whisker: ±1 standard deviation")] if "sd" in tags else [])
    return write_pages(res, out, "memory", panels, key,
                       "Peak memory by workload (median of the repetitions; linear axis, one unit a panel)")


def leaks_picture(res, out):
    """Leaked and uncollectable objects per case, log scale; a zero draws nothing, a workload where
    nothing leaked has no panel (its name is in the title)."""
    panels, clean = [], []
    for w in res.workloads:
        strategies, slots = panel_strategies(res, w), Slots(res, 2)
        lines, rows = pair_lines(res, w, strategies, slots, ("leaked_objects", "uncollectable_objects"), "leaks")
        cons = conservative_strategies(res)
        vals, seen = [r[k] for _, _, r in rows for k in (0, 2) if r[k]], set()
        for s, i, r in rows:
            if r[0]:
                seen.add(("cons", "") if s in cons else ("leak", i))
            if r[2]:
                seen.add(("unc", i))
        if not vals:
            clean.append(w)
            continue
        cmds = panel_frame(res, w, strategies, slots) + [f"set yrange [0.6:{max(vals) * 12:.6g}]"]
        panels.append((w, "\n".join(lines), w, cmds, seen))
    if not panels:
        res.skip("leaks: no case leaked: picture not drawn" if clean else "leaks: no case has results")
        return []
    present = sorted({s for s in res.strategies if s in conservative_strategies(res)})

    def key(seen):
        return [(f'with boxes lc rgb "#D55E00" fs pattern {PATTERN[i]}', f"leaked, interning {i}")
                for i in ("off", "on") if ("leak", i) in seen] + \
            [(f'with boxes lc rgb "#009E73" fs pattern {PATTERN[i]}', f"uncollectable (legacy finalizers), interning {i}")
             for i in ("off", "on") if ("unc", i) in seen] + \
            ([('with boxes lc rgb "#777777" fs pattern 1', f"conservative retention ({', '.join(present)}: "
               "kept by ambiguous pointers)")] if ("cons", "") in seen else [])
    title = "Leaks by workload (median of the repetitions, log scale; no bar: nothing leaked)"
    if clean:
        title += "\nnothing leaked in: " + ", ".join(clean)
    return write_pages(res, out, "leaks", panels, key, title)


def has_pauses(c):
    """A case with pause data: a nonzero pause counter, whatever its collections count
    (a reference-count cascade that frees many objects is a pause without a collection)."""
    return any((c.stat(p) or 0) > 0 for p in PAUSES)


def pause_case(res, c, x, pts):
    """The summary line of a case with pause data (points mode appends its pauses to pts);
    None when a pause counter is missing."""
    if any(c.stat(p) is None for p in PAUSES):
        res.skip(f"pauses: {c.name} lacks " + ", ".join(p for p in PAUSES if c.stat(p) is None))
        return None
    p50, p99, pmax = (c.stat(p) for p in PAUSES)
    n = c.stat("collections") or 0
    box = not (0 < n < FEW_PAUSES)      # a cascade (rc) has no count: a box
    lo = min([v for v in numbers(c, "pause_p50_ns") if v > 0] or [p50])
    hi = max(numbers(c, "pause_max_ns") or [pmax])
    if not box:                         # each repetition's median and longest pause are pauses that happened
        vals = sorted({v for r in c.iters for v in (r.get("pause_p50_ns"), r.get("pause_max_ns"))
                       if isinstance(v, (int, float)) and v > 0} or {pmax})
        pts += [f"{x:.3f} {num(v)} {'1' if c.interning == 'on' else '0'} {c.workload} {c.strategy} {c.interning} point"
                for v in vals]
    return " ".join([f"{x:.3f}", num(p50), num(p99), num(pmax), "1" if c.interning == "on" else "0", num(n),
                     num(lo), num(hi), "1" if box else "0", c.workload, c.strategy, c.interning]), [lo, hi, p50]


def pause_panel(res, w, seen):
    """Two blocks (the summaries, then the points) and the commands of a workload; None without pauses."""
    strategies, slots = panel_strategies(res, w), Slots(res, 1)
    lines = [f"# panel {w}", "# x p50_ns p99_ns max_ns on collections lowest_p50_ns longest_ns box workload strategy interning"]
    pts, vals, quiet = [f"# panel {w}: each pause of the cases with fewer than {FEW_PAUSES}", "# x ns on workload strategy interning"], [], []
    for j, s in enumerate(strategies):
        for i in ("off", "on"):
            c = res.case(w, s, i)
            if c is None:
                continue
            if not has_pauses(c):
                if (c.stat("collections") or 0) > 0:
                    res.skip(f"pauses: {c.name} collects but reports no pause")
                quiet.append((j, i))
                continue
            got = pause_case(res, c, slots.x(j, i), pts)
            if got:
                lines.append(got[0])
                vals += [v for v in got[1] if v > 0]
                seen.add((i, "box" if got[0].split()[8] == "1" else "point"))
    if not vals:
        return None
    if len(pts) == 2:
        pts.append("NaN NaN 0 - - - point")     # an empty block would end the file for gnuplot's index
    cmds = panel_frame(res, w, strategies, slots) + [f"set yrange [{min(vals) / 1e3 / 3:.6g}:{max(vals) / 1e3 * 5:.6g}]"]
    for j, s in enumerate(strategies):
        mine = [i for jj, i in quiet if jj == j]
        both = len(mine) == sum(1 for i in ("off", "on") if res.case(w, s, i) is not None)
        for x in ([float(j)] if both else [slots.x(j, i) for i in mine]):
            cmds.append(f'set label "no pauses" at {x:.3f}, graph 0.04 rotate by 90 left front font ",{SMALL}" tc rgb "#555555"')
    return (w, "\n".join(lines) + "\n\n\n" + "\n".join(pts), w, cmds, seen)


def pause_picture(res, out):
    """Every case with pause data: a box plot (median to p99 pause, whiskers from the lowest
    repetition's median to the longest pause), or each pause as a point when a repetition has
    fewer than FEW_PAUSES collections; "no pauses" where a strategy has none."""
    panels = []
    for w in res.workloads:
        p = pause_panel(res, w, set())
        if p:
            panels.append(p)
    if not panels:
        res.skip("pauses: no case has pause data: picture not drawn")
        return []
    col = {"off": "#56B4E9", "on": "#0072B2"}

    def key(seen):
        return [(f'with boxes lc rgb "{col[i]}" fs pattern {PATTERN[i]}', f"box, interning {i}")
                for i in ("off", "on") if (i, "box") in seen] + \
            [(f'with points pt {6 if i == "off" else 7} ps 1.2 lc rgb "{col[i]}"', f"a pause (under {FEW_PAUSES} a run), interning {i}")
             for i in ("off", "on") if (i, "point") in seen]
    return write_pages(res, out, "pauses", panels, key,
                       "Pauses (collections and refcount cascades, log scale): box from the median to the p99 "
                       "pause,\nwhiskers from the lowest repetition's median to the longest pause")


def draw_pictures(res, out):
    """The .dat and .meta of every picture; returns [(gnuplot script, page name)]."""
    pages = [("throughput", n) for n in throughput_picture(res, out)]
    pages += [("memory", n) for n in memory_picture(res, out)]
    pages += [("leaks", n) for n in leaks_picture(res, out)]
    pages += [("pauses", n) for n in pause_picture(res, out)]
    return pages


PICTURE_TEXT = {   # the report's words for each picture (docs/plots.md says the same)
    "throughput": ("Throughput relative to a stable reference",
                   "One panel per workload, one group of bars per strategy, centred on its name: throughput per "
                   "wall second (blue) and per CPU second (orange), hatched with interning off, solid with "
                   "interning on. Linear axis relative to the panel's reference, the dashed line at 1.0: the "
                   "`explicit-floor` twin (from `run --twins`) when the run has it, else the workload's median case "
                   "(named in the panel title), never the fastest, whose noise would squash every other bar. The "
                   "bar is the median over the repetitions, the whisker a distribution-free confidence interval of "
                   "the median (order statistics; min..max with fewer than 6 repetitions), and the number above "
                   "the bar its coefficient of variation, red from 10%: bars with such numbers, or whose whiskers "
                   "overlap, are not reliably different. A whisker cut by the top edge goes on beyond it."),
    "memory": ("Peak memory",
               "One panel per workload: peak live bytes (blue: objects, headers and strategy metadata) and the "
               "process's peak resident set size (orange) beside it, hatched with interning off, solid with "
               "interning on; whisker one standard deviation. Linear axis from zero, so a bar's length is the "
               "amount, in KiB or MiB (one unit a panel). Lower is better; `none` shows the allocation volume."),
    "leaks": ("Leaks",
              "One panel per workload where something leaked: objects still allocated after teardown (orange) "
              "and garbage kept as uncollectable under legacy finalizers (green), log scale; no bar means zero, "
              "and the workloads where nothing leaked are named in the title. `rc` leaks every cycle, `none` "
              "leaks everything by design. What a conservative collector (`boehm`) leaves is grey, conservative "
              "retention: objects kept alive by ambiguous pointers, not lost bookkeeping."),
    "pauses": ("Pauses",
               "One panel per workload with pauses: per case a box from the median to the 99th percentile "
               "pause, whiskers from the lowest repetition's median to the longest pause, in microseconds, log "
               "scale; a case whose repetitions collect fewer than 5 times shows each repetition's median and "
               "longest pause as points instead (too few pauses for a box). \"no pauses\" stands where a "
               "strategy has none. Reference-count cascades that free at least 1,000 objects count as pauses, "
               "so `rc` appears although it never collects."),
}
