package main

import (
	"fmt"
	"strconv"
	"strings"
)

// writeTargets holds the measurements against the targets of issues 5 and 23 (ratios within this run).
func (r run) writeTargets(b *strings.Builder) {
	b.WriteString("## Targets\n\nThe targets of issue 5, and issue 23's for HTTP/2, for the native file on this machine.\n\n")
	b.WriteString(header("target", "measured", ""))

	bytes := 0.0
	if v := r.sizes["native"]; len(v) > 0 {
		bytes, _ = strconv.ParseFloat(v[0], 64)
	}
	b.WriteString(row("native file ≤ 10 MB", fmt.Sprintf("%.2f MB", bytes/1e6), verdict(bytes <= 10e6)))

	for _, t := range []struct {
		scheme string
		limit  float64
	}{{"http", 10}, {"https", 20}} {
		v, _ := r.start("ms", "native", t.scheme)
		goMs, _ := r.start("ms", "go", t.scheme)
		b.WriteString(row(fmt.Sprintf("exec to first %s 200 ≤ %.0f ms", strings.ToUpper(t.scheme), t.limit),
			fmt.Sprintf("%s (Go %s)", ms(v), ms(goMs)), verdict(v <= t.limit)))
	}

	// 15 MB read as 15,000,000 bytes, the stricter of MB and MiB.
	idleHTTP, _ := r.start("idle_rss_kib", "native", "http")
	idleHTTPS, _ := r.start("idle_rss_kib", "native", "https")
	b.WriteString(row("idle RSS ≤ 15 MB (14.3 MiB)", fmt.Sprintf("HTTP %s, HTTPS %s", mib(idleHTTP), mib(idleHTTPS)),
		verdict(idleHTTP*1024 <= 15e6 && idleHTTPS*1024 <= 15e6)))

	// The native app's requests/s over another server's, per endpoint, and how many reach the bar.
	against := func(other, proto string, least float64) (string, string) {
		var parts []string
		met := 0
		for _, endpoint := range endpoints {
			native, _ := r.rate("native", proto, endpoint)
			them, ok := r.rate(other, proto, endpoint)
			perRound, _ := r.roundRatio("native", other, proto, endpoint)
			if !ok {
				continue
			}
			// Judged by the per-round ratio (see roundRatio); the medians' ratio, as the tables above give it, beside it.
			parts = append(parts, fmt.Sprintf("/%s %s (medians %s)", endpoint, ratio(perRound), ratio(native/them)))
			if perRound >= least {
				met++
			}
		}
		return strings.Join(parts, ", "), counted(met, len(parts))
	}
	vsGo := func(label, proto string, least float64) {
		measured, reached := against("go", proto, least)
		b.WriteString(row(label, measured, reached))
	}
	vsGo("HTTP/1.1 requests/s ≥ 1.1× Go", "h1", 1.1)
	vsGo("HTTPS HTTP/1.1 requests/s ≥ 1.0× Go", "h1s", 1.0)
	vsGo("HTTPS HTTP/2 requests/s ≥ 4× Go", "h2s", 4)

	for _, proto := range protos {
		measured, reached := against("proxy", proto, 1.4)
		b.WriteString(row("direct ≥ 1.4× behind nginx, "+protoNames[proto], measured, reached))
	}

	for _, proto := range protos {
		var parts []string
		met := 0
		for _, endpoint := range endpoints {
			native, _ := r.latency("p99_ms", "native", proto, endpoint)
			other, ok := r.latency("p99_ms", "go", proto, endpoint)
			if !ok {
				continue
			}
			parts = append(parts, fmt.Sprintf("/%s %s", endpoint, ratio(native/other)))
			if native/other <= 0.5 {
				met++
			}
		}
		b.WriteString(row("p99 ≤ 0.5× Go, "+protoNames[proto], strings.Join(parts, ", "), counted(met, len(parts))))
	}
	b.WriteString("\n")
}

func counted(met, of int) string {
	switch met {
	case of:
		return "met"
	case 0:
		return "**not met**"
	default:
		return fmt.Sprintf("**met for %d of %d**", met, of)
	}
}

func (r run) writeMethod(b *strings.Builder) {
	fmt.Fprintf(b, `## Method

- Client and servers share the machine's %s cores over loopback (127.0.0.1); nothing is pinned.
  On 2 cores the load generator takes about half the CPU, so these are ratios of servers on the
  same budget, not the servers' own ceilings.
- Every server runs throughout the load phase; each load run is one server in one scenario.
  Rounds interleave the servers: for each protocol and endpoint, every server takes its turn,
  the order rotated each round, so drift of the machine hits all alike. Every figure is the
  median of %s rounds; before the first round each server had %s s of load per scenario
  (the JIT compiles its hot code then).
- The requests/s targets are judged by the median over the rounds of each round's ratio of the
  two servers: the VM's bursts of stolen CPU slow a round for both sides of its ratio, where the
  ratio of two medians can pair one server's fast round with the other's slow one. The ratio of
  the medians, as the tables give it, is shown beside it.
- HTTP/1.1 and HTTPS HTTP/1.1: `+"`wrk -t2 -c64 -d%ss --latency`"+`; requests/s and its p50 and p99.
  HTTPS HTTP/2: `+"`h2load -t2 -c16 -m10 -D %s`"+` (16 connections, 10 concurrent streams each,
  ALPN h2 checked); requests/s from h2load, p50 and p99 from its per-request log.
- Start-up: a client (`+"`build/bench/tools/startup`"+`) starts the server, polls until the first 200,
  sends 20 requests, waits a second and reads VmRSS; %s rounds, interleaved like the load.
- Response bodies and headers: every server sends X-Content-Type-Options, and HSTS over HTTPS;
  the .NET and Go servers send a Date header; nginx writes no access log, like the others
  at the measured log level; keep-alive connections are never closed by request count.
- Raw results: `+"`artifacts/bench/results/*.tsv`"+` (one line per run), logs in `+"`artifacts/bench/logs/`"+`.
`, r.meta1("cores"), r.meta1("rounds"), r.meta1("warmup"), r.meta1("duration"), r.meta1("duration"), r.meta1("startup_rounds"))
}
