package threatintel

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func mustWriteList(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func mustLoad(tb testing.TB, paths []string, minScore int) *Set {
	tb.Helper()
	s, err := Load(paths, minScore)
	if err != nil {
		tb.Fatalf("Load(%q, %d): %v", paths, minScore, err)
	}
	return s
}

// scored is an ipsum.txt-style list: tab-separated scores, comments.
const scored = `# IPsum Threat Intelligence Feed
#
# IP	number of (black)lists
#
77.90.185.20	10
2.57.122.53	9
45.154.244.193 3
101.99.92.179	1
101.99.92.179	4
2001:db8:1::1	5
198.51.100.0/24	2
203.0.113.0/24	6
`

// plain is a Tor-exit-style list: no scores, a prefix, an IPv6 address,
// inline comments, blank lines.
const plain = `# exit nodes
101.99.92.182
101.99.92.179   # also on the scored list

2001:db8:2::/48
::ffff:192.0.2.7 ; IPv4-mapped
203.0.113.128/25
192.0.2.200/24
`

func TestContains(t *testing.T) {
	t.Parallel()
	scoredPath := mustWriteList(t, "ipsum.txt", scored)
	plainPath := mustWriteList(t, "tor-exit-nodes.lst", plain)
	tests := []struct {
		name     string
		minScore int
		ip       string
		want     Match
		wantOK   bool
	}{
		{"exact scored", 0, "77.90.185.20", Match{"ipsum.txt", 10}, true},
		{"exact unscored", 0, "101.99.92.182", Match{"tor-exit-nodes.lst", 1}, true},
		{"duplicate keeps the higher score", 0, "101.99.92.179", Match{"ipsum.txt", 4}, true},
		{"not listed", 0, "8.8.8.8", Match{}, false},
		{"neighbour not listed", 0, "77.90.185.21", Match{}, false},
		{"IPv6 exact", 0, "2001:db8:1::1", Match{"ipsum.txt", 5}, true},
		{"IPv6 prefix", 0, "2001:db8:2:ffff::9", Match{"tor-exit-nodes.lst", 1}, true},
		{"IPv6 outside prefix", 0, "2001:db8:3::1", Match{}, false},
		{"IPv4-mapped lookup", 0, "::ffff:77.90.185.20", Match{"ipsum.txt", 10}, true},
		{"IPv4-mapped entry", 0, "192.0.2.7", Match{"tor-exit-nodes.lst", 1}, true},
		{"prefix with host bits", 0, "192.0.2.1", Match{"tor-exit-nodes.lst", 1}, true},
		{"prefix", 0, "198.51.100.77", Match{"ipsum.txt", 2}, true},
		{"nested prefixes: stronger wins", 0, "203.0.113.200", Match{"ipsum.txt", 6}, true},
		{"min score drops low scores", 5, "45.154.244.193", Match{}, false},
		{"min score keeps high scores", 5, "2.57.122.53", Match{"ipsum.txt", 9}, true},
		{"min score drops scored prefixes", 5, "198.51.100.77", Match{}, false},
		{"min score keeps unscored entries", 5, "101.99.92.182", Match{"tor-exit-nodes.lst", 1}, true},
		{"min score: falls back to unscored", 5, "101.99.92.179", Match{"tor-exit-nodes.lst", 1}, true},
		{"min score at the boundary", 10, "77.90.185.20", Match{"ipsum.txt", 10}, true},
	}
	sets := map[int]*Set{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := sets[tc.minScore]
			if !ok {
				s = mustLoad(t, []string{scoredPath, plainPath}, tc.minScore)
				sets[tc.minScore] = s
			}
			got, ok := s.Contains(netip.MustParseAddr(tc.ip))
			if ok != tc.wantOK || got != tc.want {
				t.Errorf("Contains(%s) = %+v, %v; want %+v, %v", tc.ip, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestListOrderBreaksTies(t *testing.T) {
	t.Parallel()
	a := mustWriteList(t, "a.txt", "192.0.2.1\n10.0.0.0/8\n")
	b := mustWriteList(t, "b.txt", "192.0.2.1\n10.0.0.0/8\n")
	for _, paths := range [][]string{{a, b}, {b, a}} {
		s := mustLoad(t, paths, 0)
		for _, ip := range []string{"192.0.2.1", "10.1.1.1"} {
			want := filepath.Base(paths[0])
			if got, _ := s.Contains(netip.MustParseAddr(ip)); got.List != want {
				t.Errorf("Load(%v).Contains(%s).List = %q, want %q", paths, ip, got.List, want)
			}
		}
	}
}

func TestAdd(t *testing.T) {
	t.Parallel()
	s := mustLoad(t, []string{mustWriteList(t, "ipsum.txt", scored)}, 0)
	finding := "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f"
	s.Add(netip.MustParseAddr("192.0.2.99"), finding)
	s.Add(netip.MustParseAddr("::ffff:192.0.2.98"), finding)
	s.Add(netip.MustParseAddr("77.90.185.20"), finding)
	s.Add(netip.Addr{}, finding) // ignored
	tests := []struct {
		ip   string
		want Match
	}{
		{"192.0.2.99", Match{finding, 1}},
		{"192.0.2.98", Match{finding, 1}},
		{"77.90.185.20", Match{"ipsum.txt", 10}}, // the listed match is stronger
	}
	for _, tc := range tests {
		if got, ok := s.Contains(netip.MustParseAddr(tc.ip)); !ok || got != tc.want {
			t.Errorf("Contains(%s) = %+v, %v; want %+v", tc.ip, got, ok, tc.want)
		}
	}
	empty := mustLoad(t, nil, 0)
	empty.Add(netip.MustParseAddr("2001:db8::5"), "finding")
	if got, ok := empty.Contains(netip.MustParseAddr("2001:db8::5")); !ok || got.List != "finding" {
		t.Errorf("empty set after Add: Contains = %+v, %v", got, ok)
	}
	if got := empty.Len(); got != 1 {
		t.Errorf("Len = %d, want 1", got)
	}
	var none *Set
	if _, ok := none.Contains(netip.MustParseAddr("192.0.2.99")); ok {
		t.Error("nil Set: Contains = true")
	}
}

func TestAddConcurrent(t *testing.T) {
	t.Parallel()
	s := mustLoad(t, nil, 0)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 256 {
				ip := netip.AddrFrom4([4]byte{192, 0, byte(i), byte(j)})
				s.Add(ip, "f")
				if _, ok := s.Contains(ip); !ok {
					t.Errorf("Contains(%s) after Add = false", ip)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content, wantErr string
	}{
		{"not an address", "192.0.2.1\nexample.com\n", "line 2"},
		{"bad prefix", "192.0.2.0/33\n", "line 1"},
		{"bad score", "192.0.2.1\tmany\n", "score"},
		{"negative score", "192.0.2.1 -1\n", "score"},
		{"extra field", "192.0.2.1 3 x\n", "fields"},
		{"zone", "fe80::1%eth0\n", "line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := mustWriteList(t, "list.txt", tc.content)
			_, err := Load([]string{path}, 0)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
				t.Errorf("Load = %v, want an error naming %s and %q", err, path, tc.wantErr)
			}
		})
	}
	if _, err := Load([]string{filepath.Join(t.TempDir(), "missing.txt")}, 0); err == nil {
		t.Error("Load(missing file) = nil error")
	}
}

func FuzzRead(f *testing.F) {
	f.Add(scored)
	f.Add(plain)
	f.Fuzz(func(t *testing.T, in string) {
		b := newBuilder()
		if err := b.read(strings.NewReader(in), "fuzz", 2); err != nil {
			return
		}
		s := b.build()
		for _, ip := range []string{"192.0.2.1", "2001:db8::1", "0.0.0.0", "::"} {
			s.Contains(netip.MustParseAddr(ip))
		}
	})
}
