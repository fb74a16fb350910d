# leaks.gp: leaked (top) and uncollectable (bottom) objects by workload and strategy; log scale, zero drawn as "0".
WIDTH = 1100; HEIGHT = 820
load GPDIR . "/common.gp"
# log scale cannot show 0: the axis starts at FLOOR, labelled "0", and a zero bar gets a "0" above it
FLOOR = 0.3
zero(v) = (v > 0 ? v : FLOOR)
set multiplot layout 2,1 title "Leaks by workload (median of the repetitions)\n" . RUN
set logscale y 10
set format y "%.0s%c"
set boxwidth BOXW absolute
set key top center horizontal maxrows 2 width 1 samplen 2.5 box opaque
set title "leaked objects: still allocated after teardown (immortal interned objects excluded)"
set ylabel "leaked objects (log scale)"
set yrange [FLOOR : (YMAX_LEAKED_OBJECTS < 10 ? 10 : YMAX_LEAKED_OBJECTS) * 300]
set ytics add ("0" FLOOR)
plot for [i=1:NS] DAT index (i-1) using 1:(zero($2)) with boxes lc rgb SCOLOR[i] fs pattern SPAT[i] title STITLE[i], \
     for [i=1:NS] DAT index (i-1) using 1:(FLOOR):($2 == 0 ? "0" : "") with labels offset 0,0.7 tc rgb SCOLOR[i] notitle
unset key
set title "uncollectable objects: garbage found but kept (legacy finalizers)"
set ylabel "uncollectable objects (log scale)"
set xlabel "workload"
set yrange [FLOOR : (YMAX_UNCOLLECTABLE_OBJECTS < 10 ? 10 : YMAX_UNCOLLECTABLE_OBJECTS) * 300]
plot for [i=1:NS] DAT index (i-1) using 1:(zero($4)) with boxes lc rgb SCOLOR[i] fs pattern SPAT[i] notitle, \
     for [i=1:NS] DAT index (i-1) using 1:(FLOOR):($4 == 0 ? "0" : "") with labels offset 0,0.7 tc rgb SCOLOR[i] notitle
unset multiplot
