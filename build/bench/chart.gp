# Draws docs/benchmarks.png: requests/s per server, one panel per endpoint. Run by run.sh as
# gnuplot -e "data='artifacts/bench/results/chart.dat'; out='docs/benchmarks.png'" build/bench/chart.gp
set terminal pngcairo size 1500,540 font "sans,11"
set output out
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set format y "%.0f"
set key top right font ",10"
set linetype 1 lc rgb "#512bd4"   # native
set linetype 2 lc rgb "#a08fe0"   # JIT
set linetype 3 lc rgb "#00add8"   # Go
set linetype 4 lc rgb "#009639"   # nginx
set linetype 5 lc rgb "#8fd19e"   # nginx -> native

titles = "/plaintext /json /table?sort=name"
set multiplot layout 1,3 title "Requests per second, medians (more is better; each panel has its own scale)"
do for [i = 0:2] {
    set title word(titles, i + 1)
    # nginx (column 5) answers /plaintext only; a column of nothing would only draw a warning.
    columns = (i == 0) ? "2 3 4 5 6" : "2 3 4 6"
    if (i > 0) { unset key }
    plot for [c in columns] data index i using int(c):xtic(1) linetype int(c) - 1 title columnheader(int(c))
}
unset multiplot
