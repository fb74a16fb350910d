# panels.gp: the small multiples of throughput, memory, leaks and pauses: one panel per workload,
# COLS a row, ROWS rows, under the title and the legend. The .meta of scripts/mb-plotdata gives
# the layout (PTOP, KEYTOP: screen fractions), the panel titles PTITLE and each panel's own
# commands PCMD (x tics of its strategies, y range, "failed" labels). Loaded after common.gp:
#   do for [k=1:NP] { eval PANEL; ...; plot ... }   then   eval KEYPANEL; eval KEYPLOT
# (KEYPLOT: the legend's key entries, only of the series the picture draws).
set multiplot title TITLE
set xtics rotate by 30 right nomirror
set errorbars small
set lmargin 10; set rmargin 2; set tmargin 2.5; set bmargin 5
unset key
CELLW = 1.0 / COLS; CELLH = PTOP / ROWS
PANEL = 'set origin ((k-1) % COLS) * CELLW, PTOP - (int((k-1) / COLS) + 1) * CELLH; set size CELLW, CELLH; ' . \
        'unset label; unset arrow; set title PTITLE[k]; eval PCMD[k]'
# the legend, once for every panel: a plot of key entries only, across the whole width under the title
KEYPANEL = 'set origin 0, PTOP; set size 1, KEYTOP - PTOP; set lmargin 0; set rmargin 0; set tmargin 0; set bmargin 0; ' . \
           'unset title; unset xlabel; unset ylabel; unset tics; unset border; unset grid; unset label; unset arrow; ' . \
           'unset logscale; set xrange [0:1]; set yrange [0:1]; ' . \
           'set key center center vertical maxrows KEYROWS samplen 2.5 width 1 box opaque'
