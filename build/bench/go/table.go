package main

import (
	"html"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The catalog of /table, generated exactly as build/bench/app/ProductCatalog.cs does, and sorted
// afresh for every request.
const (
	pageSize  = 100
	count     = 3000
	pageCount = count / pageSize
)

type product struct {
	id         int
	name       string
	category   string
	priceCents int
	stock      int
}

var (
	adjectives = []string{"Fast", "Quiet", "Tom's", "Red", "Blue", "Smart", "Tiny", "Grand", "Old-Fashioned", "\"Classic\"", "Organic", "Heavy-Duty"}
	nouns      = []string{"Kettle", "Lamp", "Chair", "Fish & Chips", "Desk", "Router", "<Widget>", "Teapot", "Backpack", "Bicycle", "Notebook", "Clock"}
	categories = []string{"Kitchen", "Office", "Garden & Patio", "Toys", "Tools", "Books"}
	products   = generate()
)

// Each order breaks ties by id, so it is total and both servers render the same rows.
var orders = map[string]func(a, b *product) bool{
	"id": func(a, b *product) bool { return a.id < b.id },
	"name": func(a, b *product) bool {
		if a.name != b.name {
			return a.name < b.name
		}
		return a.id < b.id
	},
	"price": func(a, b *product) bool {
		if a.priceCents != b.priceCents {
			return a.priceCents < b.priceCents
		}
		return a.id < b.id
	},
	"stock": func(a, b *product) bool {
		if a.stock != b.stock {
			return a.stock < b.stock
		}
		return a.id < b.id
	},
}

func generate() []*product {
	state := uint32(2463534242)
	next := func() uint32 {
		// xorshift32 (Marsaglia 2003), as in ProductCatalog.cs.
		state ^= state << 13
		state ^= state >> 17
		state ^= state << 5
		return state
	}
	all := make([]*product, count)
	for i := range all {
		adjective := adjectives[next()%uint32(len(adjectives))]
		noun := nouns[next()%uint32(len(nouns))]
		name := adjective + " " + noun + " No. " + strconv.Itoa(int(next()%1000))
		category := categories[next()%uint32(len(categories))]
		price := 99 + int(next()%100000)
		all[i] = &product{id: i + 1, name: name, category: category, priceCents: price, stock: int(next() % 500)}
	}
	return all
}

// GET /table?sort=name&page=1: the catalog sorted for this request, one page as an HTML table.
func table(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	sortBy := query.Get("sort")
	if sortBy == "" {
		sortBy = "name"
	}
	less, ok := orders[sortBy]
	if !ok {
		http.Error(w, "sort must be id, name, price or stock", http.StatusBadRequest)
		return
	}
	page := 1
	if value := query.Get("page"); value != "" {
		number, err := strconv.Atoi(value)
		if err != nil || number < 1 || number > pageCount {
			http.Error(w, "page must be 1 to "+strconv.Itoa(pageCount), http.StatusBadRequest)
			return
		}
		page = number
	}

	sorted := make([]*product, len(products))
	copy(sorted, products)
	sort.Slice(sorted, func(i, j int) bool { return less(sorted[i], sorted[j]) })
	rows := sorted[(page-1)*pageSize : page*pageSize]

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(render(rows, sortBy, page)))
}

func render(rows []*product, sortBy string, page int) string {
	var b strings.Builder
	// About 12 KB of HTML for 100 rows: sized once instead of grown by doubling.
	b.Grow(16 << 10)
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Products by ")
	b.WriteString(html.EscapeString(sortBy))
	b.WriteString(", page ")
	b.WriteString(strconv.Itoa(page))
	b.WriteString("</title></head><body>\n<table>\n")
	b.WriteString("<thead><tr><th>#</th><th>Name</th><th>Category</th><th>Price</th><th>Stock</th></tr></thead>\n<tbody>\n")
	for _, p := range rows {
		b.WriteString("<tr><td>")
		b.WriteString(strconv.Itoa(p.id))
		b.WriteString("</td><td>")
		b.WriteString(html.EscapeString(p.name))
		b.WriteString("</td><td>")
		b.WriteString(html.EscapeString(p.category))
		b.WriteString("</td><td>")
		b.WriteString(strconv.Itoa(p.priceCents / 100))
		b.WriteByte('.')
		cents := p.priceCents % 100
		if cents < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.Itoa(cents))
		b.WriteString("</td><td>")
		b.WriteString(strconv.Itoa(p.stock))
		b.WriteString("</td></tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n</body></html>\n")
	return b.String()
}
