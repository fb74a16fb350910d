# pauses.gp: the pauses of every case with pause data (collections and refcount cascades), log scale:
# a box from the median (p50) to the 99th percentile, a whisker up to the longest pause; one panel per workload.
WIDTH = 1600; HEIGHT = 900
load GPDIR . "/common.gp"
load GPDIR . "/panels.gp"
COFF = "#56B4E9"; CON = "#0072B2"
set logscale y 10
set format y "%g"
set ylabel "pause (microseconds, log scale)"
do for [k=1:NP] {
    eval PANEL
    plot DAT index (k-1) using 1:($5 == 0 ? $2/1e3 : NaN):($2/1e3):($4/1e3):($3/1e3):(0.3) with candlesticks whiskerbars lw 1.5 lc rgb COFF fs pattern 4 notitle, \
         DAT index (k-1) using 1:($5 == 1 ? $2/1e3 : NaN):($2/1e3):($4/1e3):($3/1e3):(0.3) with candlesticks whiskerbars lw 1.5 lc rgb CON fs pattern 3 notitle, \
         DAT index (k-1) using 1:($4/1e3) with points pt 7 ps 0.9 lc rgb "#000000" notitle
}
eval KEYPANEL
plot -1 with lines notitle, \
     keyentry with boxes lc rgb COFF fs pattern 4 title "interning off: box from median (p50) to p99 pause", \
     keyentry with boxes lc rgb CON fs pattern 3 title "interning on: box from median (p50) to p99 pause", \
     keyentry with points pt 7 ps 0.9 lc rgb "#000000" title "longest pause (top of the whisker)"
unset multiplot
