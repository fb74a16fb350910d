# throughput.gp: throughput relative to a reference per workload (1.0), wall-time and CPU-time bars,
# whiskers the confidence interval of the median; one panel per workload.
WIDTH = 1600; HEIGHT = 900
load GPDIR . "/common.gp"
load GPDIR . "/panels.gp"
CWALL = "#0072B2"; CCPU = "#E69F00"
set ylabel "throughput / reference's (linear)"
do for [k=1:NP] {
    eval PANEL
    set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb "#444444" back
    plot DAT index (k-1) using ($1-0.095):($10 == 0 ? $2 : NaN):3:4:(0.19) with boxerrorbars lc rgb CWALL fs pattern 4 notitle, \
         DAT index (k-1) using ($1-0.095):($10 == 1 ? $2 : NaN):3:4:(0.19) with boxerrorbars lc rgb CWALL fs pattern 3 notitle, \
         DAT index (k-1) using ($1+0.095):($10 == 0 ? $5 : NaN):6:7:(0.19) with boxerrorbars lc rgb CCPU fs pattern 4 notitle, \
         DAT index (k-1) using ($1+0.095):($10 == 1 ? $5 : NaN):6:7:(0.19) with boxerrorbars lc rgb CCPU fs pattern 3 notitle
}
eval KEYPANEL
set key maxrows 3
plot -1 with lines notitle, \
     keyentry with boxes lc rgb CWALL fs pattern 4 title "per wall second, interning off", \
     keyentry with boxes lc rgb CWALL fs pattern 3 title "per wall second, interning on", \
     keyentry with boxes lc rgb CCPU fs pattern 4 title "per CPU second, interning off", \
     keyentry with boxes lc rgb CCPU fs pattern 3 title "per CPU second, interning on", \
     keyentry with lines dt 2 lw 1.5 lc rgb "#444444" title "1.0 = the reference (named in each panel)", \
     keyentry with yerrorbars pt -1 lc rgb "#000000" title "whisker: confidence interval of the median (coverage in the title)"
unset multiplot
