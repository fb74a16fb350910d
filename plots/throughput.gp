# throughput.gp: throughput by workload, a bar per strategy and interning setting, error bars from the repetitions.
WIDTH = 1100; HEIGHT = 560
load GPDIR . "/common.gp"
set title "Throughput by workload (median of the repetitions, whisker ±1 standard deviation)\n" . RUN
set ylabel "throughput (million workload operations / s)"
set xlabel "workload"
if (LOGY) {
    set logscale y 10
    set ylabel "throughput (million workload operations / s, log scale)"
    set yrange [YMIN_ITEMS_PER_SECOND / 1e6 / 3 : YMAX_ITEMS_PER_SECOND / 1e6 * 8]
} else {
    set yrange [0 : YMAX_ITEMS_PER_SECOND / 1e6 * 1.3]
}
set key top center horizontal maxrows 2 width 1 samplen 2.5 box opaque
set boxwidth BOXW absolute
set errorbars small
plot for [i=1:NS] DAT index (i-1) using 1:($2/1e6):($3/1e6) with boxerrorbars \
     lc rgb SCOLOR[i] fs pattern SPAT[i] title STITLE[i]
