package main

import (
	"bufio"
	"os"
	"sort"
	"strconv"
	"strings"
)

// The servers, scenarios and endpoints in the order the report shows them.
var (
	servers = []string{"native", "jit", "go", "nginx", "proxy"}
	names   = map[string]string{
		"native":     "native",
		"jit":        "JIT",
		"go":         "Go",
		"nginx":      "nginx",
		"proxy":      "nginx → native",
		"native-log": "native, default logging",
	}
	protos     = []string{"h1", "h1s", "h2s"}
	protoNames = map[string]string{"h1": "HTTP/1.1", "h1s": "HTTPS HTTP/1.1", "h2s": "HTTPS HTTP/2"}
	endpoints  = []string{"plaintext", "json", "table", "site.css"}
)

// A table read from a results/*.tsv file: one map per row, keyed by the header's names.
type table []map[string]string

func readTable(path string) (table, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var header []string
	var rows table
	lines := bufio.NewScanner(file)
	for lines.Scan() {
		fields := strings.Split(lines.Text(), "\t")
		if header == nil {
			header = fields
			continue
		}
		row := map[string]string{}
		for i, name := range header {
			if i < len(fields) {
				row[name] = fields[i]
			}
		}
		rows = append(rows, row)
	}
	return rows, lines.Err()
}

// readPairs reads "key<TAB>value" lines (meta.tsv, sizes.tsv) into a map of the rest of each line.
func readPairs(path string) (map[string][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pairs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		fields := strings.Split(line, "\t")
		pairs[fields[0]] = fields[1:]
	}
	return pairs, nil
}

// matching is the rows that match every key=value of where.
func (t table) matching(where map[string]string) table {
	var rows table
	for _, row := range t {
		match := true
		for key, value := range where {
			if row[key] != value {
				match = false
			}
		}
		if match {
			rows = append(rows, row)
		}
	}
	return rows
}

// median of the column over the rows that match every key=value of where; ok is false when none do.
func (t table) median(column string, where map[string]string) (float64, bool) {
	var values []float64
	for _, row := range t.matching(where) {
		if v, err := strconv.ParseFloat(row[column], 64); err == nil {
			values = append(values, v)
		}
	}
	return medianOf(values)
}

// byRound is the column of the rows that match every key=value of where, keyed by their round.
func (t table) byRound(column string, where map[string]string) map[string]float64 {
	values := map[string]float64{}
	for _, row := range t.matching(where) {
		if v, err := strconv.ParseFloat(row[column], 64); err == nil {
			values[row["round"]] = v
		}
	}
	return values
}

// medianOf the values; ok is false when there are none.
func medianOf(values []float64) (float64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	sort.Float64s(values)
	middle := len(values) / 2
	if len(values)%2 == 0 {
		return (values[middle-1] + values[middle]) / 2, true
	}
	return values[middle], true
}

// sum of the column over all rows.
func (t table) sum(column string) float64 {
	total := 0.0
	for _, row := range t {
		v, _ := strconv.ParseFloat(row[column], 64)
		total += v
	}
	return total
}
