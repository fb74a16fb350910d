# pauses.gp: the pauses of every case with pause data (collections and refcount cascades), log scale:
# a box plot per case (box from the median to the p99 pause, whiskers from the lowest repetition's median
# to the longest pause), or each pause as a point when a case has fewer than 5 (block 2k-1 of panel k).
load GPDIR . "/common.gp"
load GPDIR . "/panels.gp"
COFF = "#56B4E9"; CON = "#0072B2"
set logscale y 10
set format y "%g"
set ylabel "pause (microseconds, log scale)"
do for [k=1:NP] {
    eval PANEL
    plot DAT index (2*k-2) using 1:($9 == 1 && $5 == 0 ? $2/1e3 : NaN):($7/1e3):($8/1e3):($3/1e3):(BW*0.7) with candlesticks whiskerbars lw 1.5 lc rgb COFF fs pattern 4 notitle, \
         DAT index (2*k-2) using 1:($9 == 1 && $5 == 1 ? $2/1e3 : NaN):($7/1e3):($8/1e3):($3/1e3):(BW*0.7) with candlesticks whiskerbars lw 1.5 lc rgb CON fs pattern 3 notitle, \
         DAT index (2*k-1) using 1:($3 == 0 ? $2/1e3 : NaN) with points pt 6 ps 1.2 lw 1.5 lc rgb COFF notitle, \
         DAT index (2*k-1) using 1:($3 == 1 ? $2/1e3 : NaN) with points pt 7 ps 1.2 lc rgb CON notitle
}
eval KEYPANEL
eval KEYPLOT
unset multiplot
