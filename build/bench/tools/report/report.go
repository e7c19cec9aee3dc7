package main

import (
	"fmt"
	"strconv"
	"strings"
)

func (r run) writeReport(b *strings.Builder) {
	fmt.Fprintf(b, `# Benchmarks

The native app against the same app on the JIT, Go's net/http and nginx: one machine, one run,
medians of interleaved rounds. Written by `+"`build/bench/run.sh`"+` on %s; run it again
rather than editing the numbers. The analysis at the end is written by hand (`+"`build/bench/analysis.md`"+`).

![Requests per second of each server, per endpoint and protocol](benchmarks.png)

`, r.meta1("date"))

	b.WriteString(`## What runs

| server | what it is |
| --- | --- |
| native | the app ` + "`apphost new Bench`" + ` generates, plus the endpoints of ` + "`build/bench/app/`" + ` (one line added to Program.cs: ` + "`app.MapBench();`" + `), published by ` + "`apphost publish --rid linux-x64`" + ` and run with ` + "`--log-level warning`" + ` |
| JIT | the same project published framework-dependent (` + "`dotnet publish -p:PublishAot=false`" + `), run with ` + "`dotnet bench.dll --log-level warning`" + ` |
| Go | ` + "`build/bench/go/`" + `: net/http with the same endpoints, response headers and timeouts, standard library only |
| nginx | ` + "`return 200 \"Hello, World!\"`" + ` on /plaintext from its configuration: the practical ceiling of this machine |
| nginx → native | nginx terminating HTTP and TLS in front of the native app, keep-alive HTTP/1.1 to it on loopback |

The native app is what ` + "`apphost new`" + ` generates, with the endpoints added and nothing tuned for the
benchmark: whatever it does, a new app does. ` + "`build/bench/tls-h1-cost.sh`" + ` compares it, in alternating
runs, with the app as generated before issue 23 (chunked bodies, no inline socket completions).

Endpoints: ` + "`/plaintext`" + ` (` + "`Hello, World!`" + `), ` + "`/json`" + ` (` + "`{\"message\":\"Hello, World!\"}`" + `, source-generated
serializer in .NET), and ` + "`/table?sort=name`" + `, where the application's own work dominates: it sorts a copy
of an in-memory catalog of 3,000 products by name for every request and renders the first 100 as an
HTML table, every text HTML-encoded (11.3 KB from .NET, 11.1 KB from Go: the two encoders
spell ` + "`\"`" + ` and ` + "`'`" + ` differently). The .NET and Go servers send the same header set; the framing differs only
on /table, which Go sends chunked (net/http sizes a body by itself only up to 2 KiB) and .NET with
Content-Length (` + "`app.UseSizedResponses()`" + ` holds HTTP/1.1 bodies up to 16 KiB). On /plaintext and /json
every server sends Content-Length, in one TLS record over HTTPS. ` + "`/site.css`" + ` is the sample app's stylesheet (483 bytes, no
Content-Encoding asked for), from its wwwroot/ built into the file, and from disk for nginx. HTTPS uses one
ECDSA P-256 certificate from ` + "`apphost cert --pem`" + ` for all.

`)

	b.WriteString("## Machine\n\n")
	fmt.Fprintf(b, "- %s cores: %s, %s of memory\n", r.meta1("cores"), r.meta1("cpu"), r.meta1("memory"))
	fmt.Fprintf(b, "- %s\n", r.meta1("os"))
	fmt.Fprintf(b, "- .NET %s; Go %s; nginx %s; OpenSSL %s; wrk %s; h2load %s\n",
		r.meta1("dotnet"), r.meta1("go"), r.meta1("nginx"), r.meta1("openssl"), r.meta1("wrk"), r.meta1("h2load"))
	fmt.Fprintf(b, "- Command: `%s`, %s s from start to report\n", r.meta1("command"), r.meta1("elapsed"))
	fmt.Fprintf(b, "- %s\n\n", r.quietness())

	r.writeStartup(b)
	r.writeLoad(b)
	r.writeLogging(b)
	r.writeTargets(b)
	r.writeMethod(b)
}

// quietness says whether other heavy work ran on the machine during the load runs.
func (r run) quietness() string {
	var loads []string
	for _, row := range r.quiet {
		loads = append(loads, strings.Fields(row["load_average"])[0])
	}
	text := "Load average (1 min) before each load round and at the end: " + strings.Join(loads, ", ") + ". "
	disturbed := func(t table) int {
		n := 0
		for _, row := range t {
			if others, _ := strconv.Atoi(row["other_heavy_processes"]); others > 0 {
				n++
			}
		}
		return n
	}
	load, startup := disturbed(r.load), disturbed(r.startup)
	if load+startup > 0 {
		return text + fmt.Sprintf("**The machine was not quiet**: other tests or attack tools (dotnet test, testssl, slowhttptest) "+
			"were running during %d of the %d load runs and %d of the %d start-up measurements, so those numbers are lower and noisier than on an idle machine.",
			load, len(r.load), startup, len(r.startup))
	}
	return text + "No other test, testssl or slowhttptest process ran during any measurement."
}

func (r run) writeStartup(b *strings.Builder) {
	b.WriteString("## Start-up and memory\n\n")
	b.WriteString(header("", "native", "JIT", "Go", "nginx", "nginx → native"))
	size := func(server string) string {
		v := r.sizes[server]
		if len(v) == 0 {
			return "–"
		}
		bytes, _ := strconv.ParseFloat(v[0], 64)
		return fmt.Sprintf("%.2f MB: %s", bytes/1e6, v[1])
	}
	b.WriteString(row("file", size("native"), size("jit"), size("go"), size("nginx"), "–"))
	for _, scheme := range []string{"http", "https"} {
		cells := []string{"exec to first " + strings.ToUpper(scheme) + " 200"}
		for _, server := range []string{"native", "jit", "go", "nginx"} {
			v, ok := r.start("ms", server, scheme)
			cells = append(cells, orDash(v, ok, ms))
		}
		b.WriteString(row(append(cells, "–")...))
	}
	for _, scheme := range []string{"http", "https"} {
		cells := []string{"idle RSS, " + strings.ToUpper(scheme)}
		for _, server := range []string{"native", "jit", "go", "nginx"} {
			v, ok := r.start("idle_rss_kib", server, scheme)
			cells = append(cells, orDash(v, ok, mib))
		}
		b.WriteString(row(append(cells, "–")...))
	}
	cells := []string{"RSS under load"}
	for _, server := range servers {
		v, ok := r.loadRSS(server)
		cells = append(cells, orDash(v, ok, mib))
	}
	b.WriteString(row(cells...))
	b.WriteString(`
Exec to first 200: from starting the process to the first 200 on /plaintext, polled with fresh
TCP_NODELAY connections every 0.25 ms (HTTPS: a full TLS handshake each time). Idle RSS: VmRSS after
20 more requests and a second of rest (nginx: master and workers). RSS under load: sampled half-way
through each load run; the highest scenario's median (nginx → native: nginx and the app together).
nginx serves HTTP and HTTPS from one process, so its two idle figures are the same configuration.

`)
}

func (r run) writeLoad(b *strings.Builder) {
	b.WriteString("## Requests per second\n\n")
	cols := []string{""}
	for _, server := range servers {
		cols = append(cols, names[server])
	}
	b.WriteString(header(cols...))
	for _, proto := range protos {
		for _, endpoint := range endpoints {
			cells := []string{protoNames[proto] + " /" + endpoint}
			for _, server := range servers {
				v, ok := r.rate(server, proto, endpoint)
				cells = append(cells, orDash(v, ok, thousands))
			}
			b.WriteString(row(cells...))
		}
	}

	b.WriteString("\n## Latency: p50 / p99\n\n")
	b.WriteString(header(cols...))
	for _, proto := range protos {
		for _, endpoint := range endpoints {
			cells := []string{protoNames[proto] + " /" + endpoint}
			for _, server := range servers {
				p50, ok := r.latency("p50_ms", server, proto, endpoint)
				p99, _ := r.latency("p99_ms", server, proto, endpoint)
				cells = append(cells, orDash(p50, ok, func(float64) string { return fmt.Sprintf("%.2f / %.2f ms", p50, p99) }))
			}
			b.WriteString(row(cells...))
		}
	}

	b.WriteString("\n## Ratios\n\nRequests/s of the native app divided by the other's; for p99, the native app's p99 divided by Go's (lower is better).\n\n")
	b.WriteString(header("", "native ÷ Go", "native ÷ JIT", "native ÷ nginx → native", "native ÷ nginx", "p99: native ÷ Go"))
	for _, proto := range protos {
		for _, endpoint := range endpoints {
			native, _ := r.rate("native", proto, endpoint)
			cells := []string{protoNames[proto] + " /" + endpoint}
			for _, other := range []string{"go", "jit", "proxy", "nginx"} {
				v, ok := r.rate(other, proto, endpoint)
				cells = append(cells, orDash(native/v, ok, ratio))
			}
			p99, _ := r.latency("p99_ms", "native", proto, endpoint)
			goP99, ok := r.latency("p99_ms", "go", proto, endpoint)
			cells = append(cells, orDash(p99/goP99, ok, ratio))
			b.WriteString(row(cells...))
		}
	}
	if errors := r.load.sum("errors"); errors > 0 {
		fmt.Fprintf(b, "\n**%s requests failed** (socket errors or non-2xx answers) across the load runs; see `artifacts/bench/results/load.tsv`.\n\n", thousands(errors))
	} else {
		b.WriteString("\nNo load run saw a socket error or an answer other than 2xx.\n\n")
	}
}

func (r run) writeLogging(b *strings.Builder) {
	quiet, ok1 := r.rate("native", "h1", "plaintext")
	logged, ok2 := r.rate("native-log", "h1", "plaintext")
	if !ok1 || !ok2 {
		return
	}
	p99q, _ := r.latency("p99_ms", "native", "h1", "plaintext")
	p99l, _ := r.latency("p99_ms", "native-log", "h1", "plaintext")
	fmt.Fprintf(b, `## The cost of logging every request

Every number above is the app at `+"`--log-level warning`"+`. At its default level it writes one JSON
line per request (method, path, status, time, protocol) to standard output, here a file, as a
service writes to the journal. Measured in the same rounds, HTTP/1.1 /plaintext:

| | requests/s | p99 |
| --- | --- | --- |
| native, `+"`--log-level warning`"+` | %s | %.2f ms |
| native, default logging | %s (%.0f%% of it) | %.2f ms |

`, thousands(quiet), p99q, thousands(logged), 100*logged/quiet, p99l)
}
