# heap.gp: the time-space trade-off of the heap policy: throughput and peak memory against --heap-multiplier.
WIDTH = 1200; HEIGHT = 1500
load GPDIR . "/common.gp"
# earlier lines thicker, so a line drawn over an equal one still shows at its edges
LW(i) = (i < 5 ? 4.5 - 0.8 * i : 1.2)
PS(i) = (i < 5 ? 1.9 - 0.25 * i : 0.8)
set multiplot layout 3,1 title "Time-space trade-off (heap multiplier): " . RUN
set xlabel "heap multiplier (x live bytes after the last collection, log scale)"
set logscale x 2
set xrange [1.15:6.5]
set xtics ("1.25" 1.25, "1.5" 1.5, "2" 2, "3" 3, "4" 4, "6" 6)
set grid xtics ytics lc rgb "#dddddd"
set key outside right top Left reverse samplen 3 box opaque
set title "throughput (median, ±1 standard deviation)"
set ylabel "throughput (million workload operations / s)"
set yrange [0:*]
plot for [i=1:NS] DAT index (i-1) using 1:($2/1e6):($5/1e6) with yerrorlines lw LW(i) pt SPT[i] ps PS(i) dt SDASH[i] lc rgb SCOLOR[i] title T1[i]
set title "peak live bytes"
set ylabel "peak live (MiB)"
plot for [i=1:NS] DAT index (i-1) using 1:($3/1048576) with linespoints lw LW(i) pt SPT[i] ps PS(i) dt SDASH[i] lc rgb SCOLOR[i] title T2[i]
set title "peak resident set size"
set ylabel "peak RSS (MiB)"
plot for [i=1:NS] DAT index (i-1) using 1:($4/1048576) with linespoints lw LW(i) pt SPT[i] ps PS(i) dt SDASH[i] lc rgb SCOLOR[i] title T3[i]
unset multiplot
