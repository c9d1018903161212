package threatintel

import (
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// sharedLists finds the public lists of shared/data/threat-intel, which sit
// beside the repository (../shared from its root), and skips when they are
// absent, except in CI, where they must be there.
func sharedLists(tb testing.TB) (ipsum, tor string) {
	tb.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	lists := filepath.Join(dir, "..", "shared", "data", "threat-intel")
	ipsum, tor = filepath.Join(lists, "ipsum.txt"), filepath.Join(lists, "tor-exit-nodes.lst")
	for _, p := range []string{ipsum, tor} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") != "" {
				tb.Fatalf("CI must have the shared threat lists: %v", err)
			}
			tb.Skipf("shared threat lists absent: %v", err)
		}
	}
	return ipsum, tor
}

func TestSharedLists(t *testing.T) {
	t.Parallel()
	ipsum, tor := sharedLists(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	s := mustLoad(t, []string{ipsum, tor}, 1)
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("loaded %d entries in %v; heap grew by %.1f MB", s.Len(), took.Round(time.Millisecond),
		float64(after.HeapAlloc-before.HeapAlloc)/1e6)

	// Counts from the files themselves (README of shared/data): 120,430
	// ipsum addresses, 1,746 Tor exit nodes, some on both.
	if n := s.Len(); n < 120_430 || n > 120_430+1_746 {
		t.Errorf("Len = %d, want between 120,430 and 122,176", n)
	}
	tests := []struct {
		ip   string
		want Match
	}{
		{"77.90.185.20", Match{"ipsum.txt", 10}},                 // first entry of ipsum.txt
		{"101.99.92.182", Match{"tor-exit-nodes.lst", 1}},        // a Tor exit, not on ipsum
		{"2001:470:1:908::9001", Match{"tor-exit-nodes.lst", 1}}, // written in full in the file
	}
	for _, tc := range tests {
		if got, ok := s.Contains(netip.MustParseAddr(tc.ip)); !ok || got != tc.want {
			t.Errorf("Contains(%s) = %+v, %v; want %+v", tc.ip, got, ok, tc.want)
		}
	}
	if got, ok := s.Contains(netip.MustParseAddr("8.8.8.8")); ok {
		t.Errorf("Contains(8.8.8.8) = %+v, want not listed", got)
	}
	// A minimum score of 3 keeps the 14,217 ipsum addresses scored 3–10.
	strict := mustLoad(t, []string{ipsum}, 3)
	if got := strict.Len(); got != 14_217 {
		t.Errorf("minScore 3: Len = %d, want 14,217", got)
	}
}

func BenchmarkLoad(b *testing.B) {
	ipsum, tor := sharedLists(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load([]string{ipsum, tor}, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContains looks up a mix of listed and unlisted addresses, as an
// investigation does for each source IP of an entity.
func BenchmarkContains(b *testing.B) {
	ipsum, tor := sharedLists(b)
	s := mustLoad(b, []string{ipsum, tor}, 1)
	s.cidrs.Insert(netip.MustParsePrefix("198.51.100.0/24"), entry{score: 1})
	ips := []netip.Addr{
		netip.MustParseAddr("77.90.185.20"), netip.MustParseAddr("8.8.8.8"),
		netip.MustParseAddr("101.99.92.182"), netip.MustParseAddr("2001:db8::1"),
		netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("52.95.110.1"),
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Contains(ips[i%len(ips)])
		i++
	}
}
