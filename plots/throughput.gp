# throughput.gp: throughput relative to a stable reference per workload (1.0): a wall-time bar per case,
# centred on its strategy, its whisker the confidence interval of the median and its cv above it (red
# from CVRED), a point at the case's CPU-time throughput; one panel per workload.
load GPDIR . "/common.gp"
load GPDIR . "/panels.gp"
CWALL = "#0072B2"; CVRED = 0.10
set ylabel "throughput / reference's (linear)"
cvtext(v) = (v == v ? sprintf("%.0f%%", 100 * v) : "")
do for [k=1:NP] {
    eval PANEL
    set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb "#444444" back
    plot DAT index (k-1) using 1:($10 == 0 ? $2 : NaN):(BW) with boxes lc rgb CWALL fs pattern 4 notitle, \
         DAT index (k-1) using 1:($10 == 1 ? $2 : NaN):(BW) with boxes lc rgb CWALL fs pattern 3 notitle, \
         DAT index (k-1) using 1:2:3:4 with yerrorbars pt -1 lw 1.2 lc rgb "#000000" notitle, \
         DAT index (k-1) using 1:5 with points pt 13 ps 1.3 lc rgb "#000000" notitle, \
         DAT index (k-1) using 1:13:($11 < CVRED ? cvtext($11) : "") with labels rotate by 90 left offset 0,0.4 font ",".SMALL tc rgb "#333333" notitle, \
         DAT index (k-1) using 1:13:($11 >= CVRED ? cvtext($11) : "") with labels rotate by 90 left offset 0,0.4 font ",".SMALL tc rgb "#C00000" notitle
}
eval KEYPANEL
eval KEYPLOT
unset multiplot
