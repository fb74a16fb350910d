# memory.gp: peak live bytes and peak resident set size per case, log scale; one panel per workload.
WIDTH = 1600; HEIGHT = 900
load GPDIR . "/common.gp"
load GPDIR . "/panels.gp"
CLIVE = "#0072B2"; CRSS = "#D55E00"
set logscale y 4
set format y "%.0b %BB"
set ylabel "bytes (log scale)"
do for [k=1:NP] {
    eval PANEL
    plot DAT index (k-1) using ($1-0.095):($7 == 0 ? $2 : NaN):3:(0.19) with boxerrorbars lc rgb CLIVE fs pattern 4 notitle, \
         DAT index (k-1) using ($1-0.095):($7 == 1 ? $2 : NaN):3:(0.19) with boxerrorbars lc rgb CLIVE fs pattern 3 notitle, \
         DAT index (k-1) using ($1+0.095):($7 == 0 ? $4 : NaN):5:(0.19) with boxerrorbars lc rgb CRSS fs pattern 4 notitle, \
         DAT index (k-1) using ($1+0.095):($7 == 1 ? $4 : NaN):5:(0.19) with boxerrorbars lc rgb CRSS fs pattern 3 notitle
}
eval KEYPANEL
plot -1 with lines notitle, \
     keyentry with boxes lc rgb CLIVE fs pattern 4 title "peak live bytes, interning off", \
     keyentry with boxes lc rgb CLIVE fs pattern 3 title "peak live bytes, interning on", \
     keyentry with boxes lc rgb CRSS fs pattern 4 title "peak RSS, interning off", \
     keyentry with boxes lc rgb CRSS fs pattern 3 title "peak RSS, interning on"
unset multiplot
