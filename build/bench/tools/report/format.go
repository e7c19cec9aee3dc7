package main

import (
	"fmt"
	"strconv"
	"strings"
)

// thousands writes 1234567 as 1,234,567.
func thousands(v float64) string {
	digits := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

func mib(kib float64) string { return fmt.Sprintf("%.1f MiB", kib/1024) }

func ms(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f ms", v)
	}
	return fmt.Sprintf("%.1f ms", v)
}

func ratio(v float64) string { return fmt.Sprintf("%.2f×", v) }

// orDash formats a value that may be missing.
func orDash(v float64, ok bool, format func(float64) string) string {
	if !ok {
		return "–"
	}
	return format(v)
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "**not met**"
}

// row writes one Markdown table row.
func row(cells ...string) string { return "| " + strings.Join(cells, " | ") + " |\n" }

func header(cells ...string) string {
	rule := make([]string, len(cells))
	for i := range rule {
		rule[i] = "---"
	}
	return row(cells...) + row(rule...)
}
