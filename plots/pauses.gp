# pauses.gp: median, p99 and longest collector pause of every case that collected, log scale.
WIDTH = 1100; HEIGHT = 600
load GPDIR . "/common.gp"
set title "Collector pauses of the cases that collect (median over the repetitions)\n" . RUN
set ylabel "pause (microseconds, log scale)"
set logscale y 10
set format y "%g"
set yrange [YMIN : YMAX]
set boxwidth BOXW absolute
set key top center horizontal width 1 samplen 2.5 box opaque
set bmargin 6
plot for [i=1:NS] DAT index (i-1) using 1:($2/1e3) with boxes lc rgb SCOLOR[i] fs pattern SPAT[i] title STITLE[i]
