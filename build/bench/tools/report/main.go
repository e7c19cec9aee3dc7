// Writes docs/benchmarks.md (and the chart's data) from the results of build/bench/run.sh.
// Run by run.sh: report -results DIR -analysis build/bench/analysis.md -out docs/benchmarks.md -chart-data FILE
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// The results of one run, as run.sh wrote them.
type run struct {
	meta, sizes map[string][]string
	startup     table
	load        table
	quiet       table
}

func main() {
	results := flag.String("results", "artifacts/bench/results", "folder of run.sh's *.tsv files")
	analysis := flag.String("analysis", "build/bench/analysis.md", "hand-written analysis appended to the report")
	out := flag.String("out", "docs/benchmarks.md", "the report to write")
	chartData := flag.String("chart-data", "artifacts/bench/results/chart.dat", "gnuplot data to write")
	flag.Parse()

	var r run
	var err error
	check := func(e error) {
		if e != nil && err == nil {
			err = e
		}
	}
	r.meta, err = readPairs(*results + "/meta.tsv")
	var e error
	r.sizes, e = readPairs(*results + "/sizes.tsv")
	check(e)
	r.startup, e = readTable(*results + "/startup.tsv")
	check(e)
	r.load, e = readTable(*results + "/load.tsv")
	check(e)
	r.quiet, e = readTable(*results + "/quiet.tsv")
	check(e)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error: cannot read the results of run.sh:", err)
		os.Exit(1)
	}

	var doc strings.Builder
	r.writeReport(&doc)
	if text, err := os.ReadFile(*analysis); err == nil {
		doc.WriteString("\n")
		doc.Write(text)
	}
	check(os.WriteFile(*out, []byte(doc.String()), 0o644))
	check(os.WriteFile(*chartData, []byte(r.chartData()), 0o644))
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func (r run) meta1(key string) string {
	if v := r.meta[key]; len(v) > 0 {
		return v[0]
	}
	return "?"
}

// rate is the median requests/s of a server in a scenario.
func (r run) rate(server, proto, endpoint string) (float64, bool) {
	return r.load.median("rps", map[string]string{"server": server, "proto": proto, "endpoint": endpoint})
}

// roundRatio is the median over the rounds of one server's requests/s over another's in the same
// round. The rounds interleave the servers, so a burst of stolen CPU that slows one round slows
// both sides of its ratio; the ratio of two medians can pair a fast round with a slow one.
func (r run) roundRatio(server, other, proto, endpoint string) (float64, bool) {
	mine := r.load.byRound("rps", map[string]string{"server": server, "proto": proto, "endpoint": endpoint})
	theirs := r.load.byRound("rps", map[string]string{"server": other, "proto": proto, "endpoint": endpoint})
	var ratios []float64
	for round, v := range mine {
		if w, ok := theirs[round]; ok && w > 0 {
			ratios = append(ratios, v/w)
		}
	}
	return medianOf(ratios)
}

func (r run) latency(column, server, proto, endpoint string) (float64, bool) {
	return r.load.median(column, map[string]string{"server": server, "proto": proto, "endpoint": endpoint})
}

func (r run) start(column, server, scheme string) (float64, bool) {
	return r.startup.median(column, map[string]string{"server": server, "scheme": scheme})
}

// loadRSS is the highest, over the scenarios, of the median RSS under load, in KiB.
func (r run) loadRSS(server string) (float64, bool) {
	highest, found := 0.0, false
	for _, proto := range protos {
		for _, endpoint := range endpoints {
			if v, ok := r.latency("rss_kib", server, proto, endpoint); ok && v > highest {
				highest, found = v, true
			}
		}
	}
	return highest, found
}

// Short enough to sit side by side under the bars.
var chartNames = map[string]string{"h1": "HTTP/1.1", "h1s": "HTTPS/1.1", "h2s": "HTTPS/2"}

// chartData is one gnuplot data block per endpoint: a row per protocol, a column per server.
func (r run) chartData() string {
	var b strings.Builder
	for _, endpoint := range endpoints {
		b.WriteString("scenario")
		for _, server := range servers {
			fmt.Fprintf(&b, " %q", names[server])
		}
		b.WriteString("\n")
		for _, proto := range protos {
			fmt.Fprintf(&b, "%q", chartNames[proto])
			for _, server := range servers {
				if v, ok := r.rate(server, proto, endpoint); ok {
					fmt.Fprintf(&b, " %.0f", v)
				} else {
					b.WriteString(" -")
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n\n")
	}
	return b.String()
}
