// Measures one start of a server: exec to its first 200, then its idle RSS. Used by build/bench/run.sh;
// run: startup -addr 127.0.0.1:8080 [-tls] -- ./server --port 8080   (prints "<ms> <idle RSS in KiB>")
package main

import (
	"bufio"
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address the server listens on")
	useTLS := flag.Bool("tls", false, "poll with HTTPS (HTTP/1.1 over TLS) instead of plain HTTP")
	path := flag.String("path", "/plaintext", "path that must answer 200")
	timeout := flag.Duration("timeout", 30*time.Second, "give up when no 200 came within this time")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "error: give the server's command after --, for example: startup -addr 127.0.0.1:8080 -- ./server")
		os.Exit(2)
	}

	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	// The server's output is not measured; a full pipe must not stall it either.
	cmd.Stdout, cmd.Stderr = nil, nil
	started := time.Now()
	if err := cmd.Start(); err != nil {
		fail("cannot start %q: %v", flag.Arg(0), err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer stop(cmd, exited)

	for !get(*addr, *path, *useTLS) {
		select {
		case <-exited:
			fail("%q exited before answering 200 on %s", flag.Arg(0), *path)
		default:
		}
		if time.Since(started) > *timeout {
			stop(cmd, exited)
			fail("%q did not answer 200 on %s within %v", flag.Arg(0), *path, *timeout)
		}
		// A short pause leaves the starting server the CPU (2 cores); it bounds the error to 0.25 ms.
		time.Sleep(250 * time.Microsecond)
	}
	first := time.Since(started)

	// A few requests, then a second of rest, as a server between bursts.
	for i := 0; i < 20; i++ {
		get(*addr, *path, *useTLS)
	}
	time.Sleep(time.Second)
	fmt.Printf("%.1f %d\n", float64(first.Microseconds())/1000, treeRSS(cmd.Process.Pid))
}

// get sends one GET on a fresh connection with TCP_NODELAY (Nagle's delay would distort the
// time of some servers) and reports whether the answer was 200.
func get(addr, path string, useTLS bool) bool {
	raw, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return false // not listening yet
	}
	raw.(*net.TCPConn).SetNoDelay(true)
	conn := raw
	if useTLS {
		// Self-signed test certificate; no ALPN offered, so the server speaks HTTP/1.1.
		conn = tls.Client(raw, &tls.Config{ServerName: "localhost", InsecureSkipVerify: true})
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", path); err != nil {
		return false
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.HasPrefix(status, "HTTP/1.1 200")
}

// treeRSS is the resident memory of the process and its children (nginx's workers), in KiB.
func treeRSS(pid int) int {
	total := rss(pid)
	entries, _ := os.ReadDir("/proc")
	for _, entry := range entries {
		child, err := strconv.Atoi(entry.Name())
		if err == nil && parent(child) == pid {
			total += rss(child)
		}
	}
	return total
}

func rss(pid int) int {
	status, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for _, line := range strings.Split(string(status), "\n") {
		if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == "VmRSS:" {
			kib, _ := strconv.Atoi(fields[1])
			return kib
		}
	}
	return 0
}

func parent(pid int) int {
	stat, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	// The command name in parentheses may hold spaces; the fields after its ")" are fixed.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

func stop(cmd *exec.Cmd, exited chan struct{}) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "error: "+format+"\n", args...)
	os.Exit(1)
}
