# scaling.gp: one workload at sizes over orders of magnitude: time, peak live bytes and peak RSS against size, log-log.
# A line per strategy; the legend gives each line's least-squares slope in log-log (1 = linear in size).
WIDTH = 1200; HEIGHT = 1500
load GPDIR . "/common.gp"
# earlier lines thicker, so a line drawn over an equal one still shows at its edges
LW(i) = (i < 5 ? 4.5 - 0.8 * i : 1.2)
PS(i) = (i < 5 ? 1.9 - 0.25 * i : 0.8)
set multiplot layout 3,1 title "Scaling with size: " . RUN
set logscale xy 10
set autoscale xfix
set offsets graph 0.05, graph 0.05, graph 0.05, 0
set format x "%.0s%c"
set xlabel "size n (workload units, log scale)"
set grid xtics ytics lc rgb "#dddddd"
set key outside right top Left reverse samplen 3 box opaque
set title "wall time of the measured region"
set ylabel "time (log scale)"
set format y "%.0s %cs"
plot for [i=1:NS] DAT index (i-1) using 1:2 with linespoints lw LW(i) pt SPT[i] ps PS(i) dt SDASH[i] lc rgb SCOLOR[i] title T1[i]
set title "peak live bytes"
set ylabel "peak live (MiB, log scale)"
set logscale y 4
set format y "%g"
plot for [i=1:NS] DAT index (i-1) using 1:($3/1048576) with linespoints lw LW(i) pt SPT[i] ps PS(i) dt SDASH[i] lc rgb SCOLOR[i] title T2[i]
set title "peak resident set size"
set ylabel "peak RSS (MiB, log scale)"
plot for [i=1:NS] DAT index (i-1) using 1:($4/1048576) with linespoints lw LW(i) pt SPT[i] ps PS(i) dt SDASH[i] lc rgb SCOLOR[i] title T3[i]
unset multiplot
