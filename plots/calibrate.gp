# calibrate.gp: model / runtime CPU-time ratios per shape (scripts/calibrate, docs/calibration.md):
# one group of bars per shape, one bar per pair, log scale, the dashed line at 1.0 (as fast as the runtime).
# Called with datafile (shape, then one ratio column per pair; NaN where the runtime was missing)
# and outfile (the PNG).
set terminal pngcairo size 1400, 700 noenhanced font "sans,17" background "white"
set output outfile
set border 3 lw 1
set tics nomirror out
set grid ytics lc rgb "#dddddd" lw 1 lt 1
set title "membench models / the runtimes they model: CPU time of one collection (binary-trees: the whole program), medians"
set ylabel "model / runtime (log; below 1: the model is faster)"
set logscale y
set yrange [*:100]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border lc rgb "#333333"
set boxwidth 0.9
set xtics rotate by -20
set key top left maxrows 2 box opaque
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb "#444444" front
plot datafile using 2:xtic(1) title "rc-cycle / php" lc rgb "#0072B2", \
     '' using 3 title "rc-gen / cpython" lc rgb "#E69F00", \
     '' using 4 title "mark-sweep / lua incremental" lc rgb "#009E73", \
     '' using 5 title "generational / lua generational" lc rgb "#CC79A7", \
     '' using 6 title "boehm / bdwgc direct" lc rgb "#999999"
