# memory.gp: peak live bytes (top) and peak resident set size (bottom) by workload and strategy, log scale.
WIDTH = 1100; HEIGHT = 820
load GPDIR . "/common.gp"
set multiplot layout 2,1 title "Peak memory by workload (median of the repetitions, whisker ±1 standard deviation)\n" . RUN
set logscale y 4
set format y "%.0b %BB"
set boxwidth BOXW absolute
set errorbars small
set key top center horizontal maxrows 2 width 1 samplen 2.5 box opaque
# bars start at the bottom of the axis: a factor 1024 below the smallest tick that matters
set title "peak live bytes: objects, headers and strategy metadata"
set ylabel "peak live (bytes, log scale)"
set yrange [YMIN_PEAK_LIVE_BYTES / 4 : YMAX_PEAK_LIVE_BYTES * 30]
plot for [i=1:NS] DAT index (i-1) using 1:2:3 with boxerrorbars lc rgb SCOLOR[i] fs pattern SPAT[i] title STITLE[i]
unset key
set title "peak resident set size of the process"
set ylabel "peak RSS (bytes, log scale)"
set xlabel "workload"
set yrange [YMIN_PEAK_RSS_BYTES / 4 : YMAX_PEAK_RSS_BYTES * 30]
plot for [i=1:NS] DAT index (i-1) using 1:4:5 with boxerrorbars lc rgb SCOLOR[i] fs pattern SPAT[i] notitle
unset multiplot
