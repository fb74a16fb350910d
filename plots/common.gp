# common.gp: terminal, fonts and grid shared by every membench picture; set WIDTH and HEIGHT first.
# Called with DIR (data and output directory), NAME (picture), FMT (png or svg), GPDIR (this directory).
# The picture's .meta (written by scripts/mb-plotdata) may set WIDTH, HEIGHT and the font sizes FONT
# (text) and SMALL (labels on bars) itself: chosen so that, read at a page width of 800 pixels, no text
# is smaller than 8 pixels (tests/test_plots.c).
FONT = 14; SMALL = 12
load DIR . "/" . NAME . ".meta"
DAT = DIR . "/" . NAME . ".dat"
if (exists("AUTOWIDTH")) { WIDTH = AUTOWIDTH }
if (FMT eq "svg") {
    set terminal svg size WIDTH, HEIGHT noenhanced font "sans,".FONT background "white" dynamic
} else {
    set terminal pngcairo size WIDTH, HEIGHT noenhanced font "sans,".FONT background "white"
}
set output DIR . "/" . NAME . "." . FMT
set encoding utf8
set border 3 lw 1
set tics nomirror out
set grid ytics lc rgb "#dddddd" lw 1 lt 1
set style fill pattern border lc rgb "#333333"
set key noenhanced
