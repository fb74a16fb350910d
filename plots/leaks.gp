# leaks.gp: leaked and uncollectable objects per case, log scale, zero drawn as "0"; one panel per workload.
# What a conservative collector (column 6 = 1) leaves is conservative retention, drawn grey and cross-hatched.
WIDTH = 1600; HEIGHT = 900
load GPDIR . "/common.gp"
load GPDIR . "/panels.gp"
CLEAK = "#D55E00"; CUNC = "#009E73"; CCONS = "#777777"
# log scale cannot show 0: the axis starts at the panel's floor, labelled "0", and a zero bar gets a "0" above it
FLOOR = 0.3
zero(v) = (v > 0 ? v : FLOOR)
set logscale y 10
set format y "%.0s%c"
set ytics add ("0" FLOOR)
set ylabel "objects (log scale)"
do for [k=1:NP] {
    eval PANEL
    plot DAT index (k-1) using ($1-0.095):($6 == 0 && $7 == 0 ? zero($2) : NaN):(0.19) with boxes lc rgb CLEAK fs pattern 4 notitle, \
         DAT index (k-1) using ($1-0.095):($6 == 0 && $7 == 1 ? zero($2) : NaN):(0.19) with boxes lc rgb CLEAK fs pattern 3 notitle, \
         DAT index (k-1) using ($1-0.095):($6 == 1 ? zero($2) : NaN):(0.19) with boxes lc rgb CCONS fs pattern 1 notitle, \
         DAT index (k-1) using ($1+0.095):($7 == 0 ? zero($4) : NaN):(0.19) with boxes lc rgb CUNC fs pattern 4 notitle, \
         DAT index (k-1) using ($1+0.095):($7 == 1 ? zero($4) : NaN):(0.19) with boxes lc rgb CUNC fs pattern 3 notitle, \
         DAT index (k-1) using ($1-0.095):($6 == 1 && $2 > 0 ? $2 : NaN):("conservative retention") with labels rotate by 90 left offset 0,0.6 font ",10" tc rgb "#444444" notitle, \
         DAT index (k-1) using ($1-0.095):(FLOOR):($2 == 0 ? "0" : "") with labels offset 0,0.6 font ",10" tc rgb CLEAK notitle, \
         DAT index (k-1) using ($1+0.095):(FLOOR):($4 == 0 ? "0" : "") with labels offset 0,0.6 font ",10" tc rgb CUNC notitle
}
eval KEYPANEL
plot -1 with lines notitle, \
     keyentry with boxes lc rgb CLEAK fs pattern 4 title "leaked, interning off", \
     keyentry with boxes lc rgb CLEAK fs pattern 3 title "leaked, interning on", \
     keyentry with boxes lc rgb CUNC fs pattern 4 title "uncollectable (legacy finalizers), interning off", \
     keyentry with boxes lc rgb CUNC fs pattern 3 title "uncollectable (legacy finalizers), interning on", \
     keyentry with boxes lc rgb CCONS fs pattern 1 title CONSTITLE
unset multiplot
