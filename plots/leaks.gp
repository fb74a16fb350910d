# leaks.gp: leaked and uncollectable objects per case, log scale, a zero drawn as nothing; one panel per
# workload where something leaked. A conservative collector's leftovers (column 6 = 1) are conservative
# retention, drawn grey and cross-hatched.
load GPDIR . "/common.gp"
load GPDIR . "/panels.gp"
CLEAK = "#D55E00"; CUNC = "#009E73"; CCONS = "#777777"
set logscale y 10
set format y "%.0s%c"
set ylabel "objects (log scale)"
pos(v) = (v > 0 ? v : NaN)
do for [k=1:NP] {
    eval PANEL
    plot DAT index (k-1) using ($1-OFF):($6 == 0 && $7 == 0 ? pos($2) : NaN):(BW) with boxes lc rgb CLEAK fs pattern 4 notitle, \
         DAT index (k-1) using ($1-OFF):($6 == 0 && $7 == 1 ? pos($2) : NaN):(BW) with boxes lc rgb CLEAK fs pattern 3 notitle, \
         DAT index (k-1) using ($1-OFF):($6 == 1 ? pos($2) : NaN):(BW) with boxes lc rgb CCONS fs pattern 1 notitle, \
         DAT index (k-1) using ($1+OFF):($7 == 0 ? pos($4) : NaN):(BW) with boxes lc rgb CUNC fs pattern 4 notitle, \
         DAT index (k-1) using ($1+OFF):($7 == 1 ? pos($4) : NaN):(BW) with boxes lc rgb CUNC fs pattern 3 notitle
}
eval KEYPANEL
eval KEYPLOT
unset multiplot
