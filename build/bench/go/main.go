// The Go peer of the benchmark: the endpoints of build/bench/app/ (/plaintext, /json, /table) on net/http,
// standard library only. Run: go build -o bench-go . && ./bench-go -port 8080 [-cert x.pem -key x.key]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

type message struct {
	Message string `json:"message"`
}

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 8080, "TCP port to listen on")
	cert := flag.String("cert", "", "PEM certificate (with its chain); serves HTTPS with HTTP/1.1 and HTTP/2 when given")
	key := flag.String("key", "", "PEM private key of -cert")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/plaintext", plaintext)
	mux.HandleFunc("/json", jsonMessage)
	mux.HandleFunc("/table", table)

	tls := *cert != ""
	server := &http.Server{
		Addr:    net.JoinHostPort(*host, strconv.Itoa(*port)),
		Handler: securityHeaders(mux, tls),
		// The same limits as the app's ServerLimits.cs: headers within 10 s (slowloris), idle
		// connections kept 75 s, 32 KiB of headers. Bodies are not read by these endpoints, so
		// the read and write timeouts only bound a stuck connection.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       75 * time.Second,
		MaxHeaderBytes:    32 << 10,
		// No log line per failed handshake: the app does not log those at --log-level warning either.
		ErrorLog: log.New(discard{}, "", 0),
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		server.Shutdown(ctx)
	}()

	var err error
	if tls {
		// net/http negotiates HTTP/2 by ALPN on its own once TLS is on.
		err = server.ListenAndServeTLS(*cert, *key)
	} else {
		err = server.ListenAndServe()
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// The headers every response of the app carries (its SecurityHeaders.cs), so both send the same bytes.
func securityHeaders(next http.Handler, tls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if tls {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func plaintext(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("Hello, World!"))
}

func jsonMessage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	body, _ := json.Marshal(message{Message: "Hello, World!"})
	w.Write(body)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
