package investigate

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/detective-local/detective-local/internal/detective"
)

var t0 = mustTime("2026-03-01T00:00:00Z")

// gd is a GuardDuty finding active from start for length, with score and
// entity keys set by keys ("ip:…", "instance:…", "principal ARN", …).
func gd(id string, start, length time.Duration, score float64, set func(*Finding)) Finding {
	f := Finding{ID: id, ARN: guardDutyARN(id), Type: "Recon:EC2/PortProbeUnprotectedPort", Source: "guardduty", Score: score,
		FirstSeen: t0.Add(start), LastSeen: t0.Add(start + length), CreatedAt: t0.Add(start), UpdatedAt: t0.Add(start + length)}
	if set != nil {
		set(&f)
	}
	return f
}

func ip(a string) func(*Finding) { return func(f *Finding) { f.RemoteIPs = append(f.RemoteIPs, a) } }
func inst(i string) func(*Finding) {
	return func(f *Finding) { f.InstanceIDs = append(f.InstanceIDs, i) }
}
func princ(p string) func(*Finding) {
	return func(f *Finding) { f.Principals = append(f.Principals, p) }
}
func both(a, b func(*Finding)) func(*Finding) {
	return func(f *Finding) { a(f); b(f) }
}

func ids(gs []Group) [][]string {
	out := make([][]string, len(gs))
	for i, g := range gs {
		for _, f := range g.Findings {
			out[i] = append(out[i], f.ID)
		}
	}
	return out
}

func TestGroups(t *testing.T) {
	h := time.Hour
	for _, tc := range []struct {
		name     string
		findings []Finding
		want     [][]string
	}{
		{"shared IP within 48 h", []Finding{gd("a", 0, h, 5, ip("203.0.113.1")), gd("b", 10*h, h, 5, ip("203.0.113.1"))}, [][]string{{"a", "b"}}},
		{"gap of exactly 48 h", []Finding{gd("a", 0, h, 5, ip("203.0.113.1")), gd("b", 49*h, h, 5, ip("203.0.113.1"))}, [][]string{{"a", "b"}}},
		{"gap of 48 h and a second", []Finding{gd("a", 0, h, 5, ip("203.0.113.1")), gd("b", 49*h+time.Second, h, 5, ip("203.0.113.1"))}, [][]string{{"a"}, {"b"}}},
		{"nothing shared", []Finding{gd("a", 0, h, 5, ip("203.0.113.1")), gd("b", h, h, 5, ip("203.0.113.2"))}, [][]string{{"a"}, {"b"}}},
		{"chain through a third", []Finding{
			gd("a", 0, h, 5, ip("203.0.113.1")),
			gd("b", 40*h, h, 5, both(ip("203.0.113.1"), inst("i-1"))),
			gd("c", 80*h, h, 5, inst("i-1")),
		}, [][]string{{"a", "b", "c"}}},
		{"long finding bridges", []Finding{
			gd("a", 0, 100*h, 5, ip("203.0.113.1")),
			gd("b", 10*h, h, 5, ip("203.0.113.1")),
			gd("c", 140*h, h, 5, ip("203.0.113.1")), // 40 h after a ends, 129 h after b
		}, [][]string{{"a", "b", "c"}}},
		{"two sessions of one role", []Finding{
			gd("a", 0, h, 5, princ("arn:aws:sts::111122223333:assumed-role/deployer/s1")),
			gd("b", h, h, 5, princ("arn:aws:iam::111122223333:role/ops/deployer")),
			gd("c", 2*h, h, 5, princ("arn:aws:sts::111122223333:assumed-role/deployer/s2")),
			gd("d", 3*h, h, 5, princ("arn:aws:sts::111122223333:assumed-role/builder/s1")),
		}, [][]string{{"a", "b", "c"}, {"d"}}},
		{"buckets, clusters, keys, names", []Finding{
			gd("a", 0, h, 5, func(f *Finding) { f.Buckets = []string{"logs"} }),
			gd("b", h, h, 5, func(f *Finding) { f.Buckets = []string{"logs"}; f.Clusters = []string{"prod"} }),
			gd("c", 2*h, h, 5, func(f *Finding) { f.Clusters = []string{"prod"}; f.AccessKeyIDs = []string{"AKIA1"} }),
			gd("d", 3*h, h, 5, func(f *Finding) { f.AccessKeyIDs = []string{"AKIA1"}; f.UserNames = []string{"alice"} }),
			gd("e", 4*h, h, 5, func(f *Finding) { f.UserNames = []string{"alice"} }),
		}, [][]string{{"a", "b", "c", "d", "e"}}},
		{"an update counts once", []Finding{
			gd("a", 0, h, 5, ip("203.0.113.1")),
			gd("a", 0, 60*h, 5, ip("203.0.113.1")), // updated later: now active for 60 h
			gd("b", 100*h, h, 5, ip("203.0.113.1")),
		}, [][]string{{"a", "b"}}},
		{"none", nil, [][]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Groups(tc.findings, 48*time.Hour)
			if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGroupSeverityAndID(t *testing.T) {
	gs := Groups([]Finding{
		gd("late", 5*time.Hour, time.Hour, 2, ip("203.0.113.1")),
		gd("early", 0, time.Hour, 7.5, ip("203.0.113.1")),
		{ID: "asff", Source: "securityhub", Severity: "medium", CreatedAt: t0.Add(time.Hour), UpdatedAt: t0.Add(time.Hour), RemoteIPs: []string{"203.0.113.1"}},
	}, 48*time.Hour)
	if len(gs) != 1 {
		t.Fatalf("%d groups, want 1", len(gs))
	}
	g := gs[0]
	if g.Severity != detective.SeverityHigh {
		t.Errorf("severity = %s, want HIGH (GuardDuty 7.5)", g.Severity)
	}
	if !g.Start.Equal(t0) || !g.End.Equal(t0.Add(6*time.Hour)) {
		t.Errorf("window = %s–%s, want %s–%s", g.Start, g.End, t0, t0.Add(6*time.Hour))
	}
	uuidV5 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuidV5.MatchString(g.ID) || g.ID != groupID(Finding{ID: "early"}) {
		t.Errorf("ID = %q, want the version-5 UUID of the earliest finding %q", g.ID, groupID(Finding{ID: "early"}))
	}
	// The ID is a fixed function of the finding ID: replicas and restarts agree.
	if got, want := groupID(Finding{ID: "early"}), "e40b78b1-78a0-5d9c-a9da-32868a1c0b27"; got != want {
		t.Errorf("groupID(early) = %s, want %s as ever", got, want)
	}
}

func TestFindingSeverity(t *testing.T) {
	for _, tc := range []struct {
		f    Finding
		want detective.Severity
	}{
		{Finding{Source: "securityhub", Severity: "CRITICAL", Score: 10}, detective.SeverityCritical},
		{Finding{Source: "guardduty", Severity: "low", Score: 9}, detective.SeverityLow},
		{Finding{Source: "guardduty", Score: 1}, detective.SeverityLow},
		{Finding{Source: "guardduty", Score: 3.9}, detective.SeverityLow},
		{Finding{Source: "guardduty", Score: 4}, detective.SeverityMedium},
		{Finding{Source: "guardduty", Score: 6.9}, detective.SeverityMedium},
		{Finding{Source: "guardduty", Score: 7}, detective.SeverityHigh},
		{Finding{Source: "guardduty", Score: 8.9}, detective.SeverityHigh},
		{Finding{Source: "guardduty", Score: 9}, detective.SeverityCritical},
		{Finding{Source: "guardduty", Score: 10}, detective.SeverityCritical},
		{Finding{Source: "securityhub", Score: 0}, detective.SeverityInformational},
		{Finding{Source: "securityhub", Score: 1}, detective.SeverityLow},
		{Finding{Source: "securityhub", Score: 39}, detective.SeverityLow},
		{Finding{Source: "securityhub", Score: 40}, detective.SeverityMedium},
		{Finding{Source: "securityhub", Score: 69}, detective.SeverityMedium},
		{Finding{Source: "securityhub", Score: 70}, detective.SeverityHigh},
		{Finding{Source: "securityhub", Score: 89}, detective.SeverityHigh},
		{Finding{Source: "securityhub", Score: 90}, detective.SeverityCritical},
		{Finding{Source: "securityhub", Severity: "BOGUS", Score: 50}, detective.SeverityMedium},
	} {
		if got := findingSeverity(tc.f); got != tc.want {
			t.Errorf("findingSeverity(%s %q %v) = %s, want %s", tc.f.Source, tc.f.Severity, tc.f.Score, got, tc.want)
		}
	}
}

// randomFindings returns n findings over ten days sharing a few IPs,
// instances and principals, some of them updates of earlier ones.
func randomFindings(r *rand.Rand, n int) []Finding {
	out := make([]Finding, n)
	for i := range out {
		id := fmt.Sprintf("f%03d", i)
		if i > 0 && r.IntN(10) == 0 {
			id = out[r.IntN(i)].ID // an update
		}
		f := gd(id, time.Duration(r.IntN(240))*time.Hour, time.Duration(r.IntN(30))*time.Hour, float64(1+r.IntN(9)), nil)
		f.UpdatedAt = f.UpdatedAt.Add(time.Duration(i) * time.Minute)
		switch r.IntN(4) {
		case 0:
			f.RemoteIPs = []string{fmt.Sprintf("203.0.113.%d", r.IntN(6))}
		case 1:
			f.InstanceIDs = []string{fmt.Sprintf("i-%d", r.IntN(6))}
		case 2:
			f.Principals = []string{fmt.Sprintf("arn:aws:sts::111122223333:assumed-role/r%d/s%d", r.IntN(3), r.IntN(5))}
		}
		out[i] = f
	}
	return out
}

// TestAddToGroups: adding findings to existing groups gives exactly what
// computing the groups from all of them gives.
func TestAddToGroups(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		all := randomFindings(r, 5+r.IntN(60))
		split := r.IntN(len(all) + 1)
		want := Groups(all, 48*time.Hour)
		got := AddToGroups(Groups(all[:split], 48*time.Hour), all[split:], 48*time.Hour)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("seed %d, split %d/%d (-recomputed +added):\n%s", seed, split, len(all), diff)
		}
	}
}

// TestGroupsOrderIndependent: the groups do not depend on the order the
// findings are read in.
func TestGroupsOrderIndependent(t *testing.T) {
	for seed := range uint64(100) {
		r := rand.New(rand.NewPCG(seed, 2))
		all := randomFindings(r, 40)
		want := Groups(all, 48*time.Hour)
		shuffled := slices.Clone(all)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if diff := cmp.Diff(want, Groups(shuffled, 48*time.Hour)); diff != "" {
			t.Fatalf("seed %d (-in order +shuffled):\n%s", seed, diff)
		}
	}
}

// TestGroupsMatchPairwise checks the sweep against the definition: two
// findings sharing a key within the window are in one group, and groups
// are the connected components of that relation.
func TestGroupsMatchPairwise(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 3))
		fs := latestByID(randomFindings(r, 30))
		parent := map[string]string{}
		var find func(string) string
		find = func(id string) string {
			if p, ok := parent[id]; ok && p != id {
				parent[id] = find(p)
				return parent[id]
			}
			return id
		}
		for _, a := range fs {
			for _, b := range fs {
				as, ae := a.window()
				bs, be := b.window()
				gap := max(bs.Sub(ae), as.Sub(be))
				shared := false
				for _, k := range entityKeys(a) {
					shared = shared || slices.Contains(entityKeys(b), k)
				}
				if shared && gap <= 48*time.Hour {
					parent[find(a.ID)] = find(b.ID)
				}
			}
		}
		want := map[string]int{}
		for _, f := range fs {
			want[find(f.ID)]++
		}
		got := Groups(fs, 48*time.Hour)
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d groups, pairwise definition gives %d", seed, len(got), len(want))
		}
		for _, g := range got {
			root := find(g.Findings[0].ID)
			for _, f := range g.Findings {
				if find(f.ID) != root {
					t.Fatalf("seed %d: %s and %s grouped, but not connected", seed, g.Findings[0].ID, f.ID)
				}
			}
			if want[root] != len(g.Findings) {
				t.Fatalf("seed %d: group of %s has %d findings, want %d", seed, root, len(g.Findings), want[root])
			}
		}
	}
}
