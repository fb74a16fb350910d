# memory.gp: peak live bytes and peak resident set size per case, bars on a linear axis from zero in one
# unit a panel (U: KiB or MiB, set by the panel), whiskers ±1 standard deviation; one panel per workload.
load GPDIR . "/common.gp"
load GPDIR . "/panels.gp"
CLIVE = "#0072B2"; CRSS = "#D55E00"
set format y "%g"
do for [k=1:NP] {
    eval PANEL
    plot DAT index (k-1) using ($1-OFF):($7 == 0 ? $2/U : NaN):(BW) with boxes lc rgb CLIVE fs pattern 4 notitle, \
         DAT index (k-1) using ($1-OFF):($7 == 1 ? $2/U : NaN):(BW) with boxes lc rgb CLIVE fs pattern 3 notitle, \
         DAT index (k-1) using ($1+OFF):($7 == 0 ? $4/U : NaN):(BW) with boxes lc rgb CRSS fs pattern 4 notitle, \
         DAT index (k-1) using ($1+OFF):($7 == 1 ? $4/U : NaN):(BW) with boxes lc rgb CRSS fs pattern 3 notitle, \
         DAT index (k-1) using ($1-OFF):($3 > 0 ? $2/U : NaN):($3/U) with yerrorbars pt -1 lw 1.5 lc rgb "#000000" notitle, \
         DAT index (k-1) using ($1+OFF):($5 > 0 ? $4/U : NaN):($5/U) with yerrorbars pt -1 lw 1.5 lc rgb "#000000" notitle
}
eval KEYPANEL
eval KEYPLOT
unset multiplot
