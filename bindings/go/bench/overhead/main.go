// Command overhead measures what the Go binding adds to libtinker's calls, for the bindings
// overhead benchmark (bench/bindings/): the same three figures as every language's launcher,
// measured through the idiomatic API the way a program would use it.
//
//	crossing_ns       mean ns of one tinker.VersionNumber() (one cgo crossing, no I/O)
//	blocking_call_us  median µs of one blocking GetServerCapabilities
//	futures_1000_ms   median ms of starting 1,000 GetServerCapabilitiesAsync calls on one
//	                  ServiceClient and waiting for all of them
//
// It reads TINKER_BASE_URL and TINKER_API_KEY; --quick makes the counts small (a smoke run). It
// prints exactly those three lines on stdout and exits non-zero when any call fails.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"libtinker.dev/tinker"
)

// counts are the convention's; --quick only checks that everything works.
type counts struct {
	crossings, warmup, blocking, rounds int
}

const futuresPerRound = 1000

func main() {
	n := counts{crossings: 1_000_000, warmup: 200, blocking: 2000, rounds: 5}
	switch {
	case len(os.Args) == 2 && os.Args[1] == "--quick":
		n = counts{crossings: 10_000, warmup: 5, blocking: 50, rounds: 1}
	case len(os.Args) > 1:
		fmt.Fprintln(os.Stderr, "usage: overhead [--quick]")
		os.Exit(2)
	}
	if err := run(n); err != nil {
		fmt.Fprintln(os.Stderr, "overhead:", err)
		os.Exit(1)
	}
}

// runLimit turns a server that never answers (libtinker retries a refused connection) into a
// failure instead of a hang.
const runLimit = 10 * time.Minute

func run(n counts) error {
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	defer cancel()
	c, err := tinker.NewServiceClient()
	if err != nil {
		return err
	}
	defer c.Close()

	crossing := crossingNs(n.crossings)

	for i := 0; i < n.warmup; i++ {
		if _, err := c.GetServerCapabilities(ctx); err != nil {
			return err
		}
	}
	calls := make([]time.Duration, n.blocking)
	for i := range calls {
		t := time.Now()
		if _, err := c.GetServerCapabilities(ctx); err != nil {
			return err
		}
		calls[i] = time.Since(t)
	}

	rounds := make([]time.Duration, n.rounds)
	for i := range rounds {
		if rounds[i], err = futuresRound(ctx, c); err != nil {
			return err
		}
	}

	fmt.Printf("crossing_ns %.1f\n", crossing)
	fmt.Printf("blocking_call_us %.1f\n", float64(median(calls))/float64(time.Microsecond))
	fmt.Printf("futures_1000_ms %.2f\n", float64(median(rounds))/float64(time.Millisecond))
	return nil
}

// sink keeps the compiler from dropping the calls being timed.
var sink int

func crossingNs(calls int) float64 {
	t := time.Now()
	for i := 0; i < calls; i++ {
		sink += tinker.VersionNumber()
	}
	return float64(time.Since(t).Nanoseconds()) / float64(calls)
}

// futuresRound starts all the calls before waiting for any, then waits for each in turn.
func futuresRound(ctx context.Context, c *tinker.ServiceClient) (time.Duration, error) {
	t := time.Now()
	fs := make([]*tinker.Future[*tinker.ServerCapabilities], 0, futuresPerRound)
	defer func() {
		for _, f := range fs {
			f.Close()
		}
	}()
	for i := 0; i < futuresPerRound; i++ {
		f, err := c.GetServerCapabilitiesAsync()
		if err != nil {
			return 0, err
		}
		fs = append(fs, f)
	}
	for _, f := range fs {
		if _, err := f.Wait(ctx); err != nil {
			return 0, err
		}
	}
	return time.Since(t), nil
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
