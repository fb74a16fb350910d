# heap-lbo.gp: normalised lower-bound overhead (Cai et al., ISPASS 2022) against the heap multiplier, a panel per workload.
WIDTH = 1500; HEIGHT = 820
load GPDIR . "/common.gp"
LW(i) = (i < 5 ? 3.5 - 0.6 * i : 1.2)
set multiplot layout 2,NW title "Lower-bound overhead against the heap multiplier (baseline: least distilled cost, any strategy and multiplier)\n" . RUN
set logscale x 2
set xrange [1.15:6.5]
set xtics ("1.25" 1.25, "2" 2, "3" 3, "4" 4, "6" 6)
set grid xtics ytics lc rgb "#dddddd"
set key top right samplen 2 box opaque font ",10"
set yrange [0:*]
do for [row=1:2] {
    do for [w=1:NW] {
        set title WNAME[w] . (row == 1 ? " (wall time)" : " (CPU time)")
        set xlabel (row == 2 ? "heap multiplier (log scale)" : "")
        set ylabel (w == 1 ? "normalised LBO (%)" : "")
        if (w == 1 && row == 1) { set key } else { unset key }
        plot for [i=1:CNT[w]] DAT index (OFF[w] + i - 1) using 1:(100 * column(row + 1)) with linespoints \
            lw LW(i) pt SPT[OFF[w] + i] ps 1.2 dt SDASH[OFF[w] + i] lc rgb SCOLOR[OFF[w] + i] title T[OFF[w] + i]
    }
}
unset multiplot
