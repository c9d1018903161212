package investigate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/detective-local/detective-local/internal/detective"
)

// Group is a finding group: findings that share an entity (a principal,
// role session, IP address, instance, bucket or cluster) and happened
// within a window of each other, directly or through other members.
type Group struct {
	// ID is derived from the group's earliest finding, so it is the same
	// every time the group is computed, on every replica.
	ID       string
	Severity detective.Severity // the highest of its findings'
	Start    time.Time          // the earliest activity of its findings
	End      time.Time          // the latest
	Findings []Finding          // earliest first
}

// Groups partitions findings into finding groups: two findings are linked
// when they share an entity key and the gap between their activity
// windows is at most window; groups are the connected components (every
// finding is in exactly one, alone if it shares nothing). A finding listed
// twice (an update) counts once, as its latest UpdatedAt. Groups are ordered
// by start, then ID.
func Groups(findings []Finding, window time.Duration) []Group {
	fs := latestByID(findings)
	slices.SortFunc(fs, compareFindings)

	parent := make([]int, len(fs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		// The earlier finding's root stays root, so a component's root is
		// its earliest finding.
		if ra > rb {
			ra, rb = rb, ra
		}
		parent[rb] = ra
	}

	// Findings are sorted by start, so each entity key's list is too. A
	// sweep links each finding to the earlier one that ends latest: if any
	// earlier finding is within window, that one is, and every earlier
	// finding within window is already linked to it.
	byKey := map[string][]int{}
	for i, f := range fs {
		for _, k := range entityKeys(f) {
			byKey[k] = append(byKey[k], i)
		}
	}
	for _, members := range byKey {
		latest := members[0]
		_, latestEnd := fs[latest].window()
		for _, i := range members[1:] {
			start, end := fs[i].window()
			if start.Sub(latestEnd) <= window {
				union(latest, i)
			}
			if end.After(latestEnd) {
				latest, latestEnd = i, end
			}
		}
	}

	byRoot := map[int]*Group{}
	var groups []*Group
	for i, f := range fs {
		r := find(i)
		g := byRoot[r]
		if g == nil {
			g = &Group{ID: groupID(fs[r]), Severity: detective.SeverityInformational}
			g.Start, g.End = f.window()
			byRoot[r] = g
			groups = append(groups, g)
		}
		g.Findings = append(g.Findings, f)
		start, end := f.window()
		if start.Before(g.Start) {
			g.Start = start
		}
		if end.After(g.End) {
			g.End = end
		}
		g.Severity = maxSeverity(g.Severity, findingSeverity(f))
	}
	out := make([]Group, len(groups))
	for i, g := range groups {
		out[i] = *g
	}
	slices.SortFunc(out, compareGroups)
	return out
}

// AddToGroups returns the groups of the existing groups' findings and the
// new ones, exactly as Groups would compute them from all of them, but
// recomputing only the groups that share an entity key with a new finding:
// a new finding can only merge groups, and only those it shares a key
// with, so the others stand as they are.
func AddToGroups(groups []Group, findings []Finding, window time.Duration) []Group {
	newKeys := map[string]bool{}
	newIDs := map[string]bool{}
	for _, f := range findings {
		newIDs[f.ID] = true
		for _, k := range entityKeys(f) {
			newKeys[k] = true
		}
	}
	touches := func(g Group) bool {
		for _, f := range g.Findings {
			if newIDs[f.ID] {
				return true
			}
			for _, k := range entityKeys(f) {
				if newKeys[k] {
					return true
				}
			}
		}
		return false
	}
	var kept []Group
	redo := slices.Clone(findings)
	for _, g := range groups {
		if touches(g) {
			redo = append(redo, g.Findings...)
		} else {
			kept = append(kept, g)
		}
	}
	out := append(kept, Groups(redo, window)...)
	slices.SortFunc(out, compareGroups)
	return out
}

func compareGroups(a, b Group) int {
	return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
}

func compareFindings(a, b Finding) int {
	as, ae := a.window()
	bs, be := b.window()
	return cmp.Or(as.Compare(bs), ae.Compare(be), cmp.Compare(a.ID, b.ID))
}

// latestByID keeps one version of each finding: the latest updated.
func latestByID(findings []Finding) []Finding {
	at := make(map[string]int, len(findings))
	out := make([]Finding, 0, len(findings))
	for _, f := range findings {
		i, ok := at[f.ID]
		switch {
		case !ok:
			at[f.ID] = len(out)
			out = append(out, f)
		case f.UpdatedAt.After(out[i].UpdatedAt):
			out[i] = f
		}
	}
	return out
}

// groupNamespace scopes the name-based UUIDs of finding groups, so that
// they cannot collide with UUIDs derived from the same names for other
// purposes.
const groupNamespace = "6f1a4c1e-5d0b-4c4e-9d7a-2b8f3e9c0a51"

// groupID is the ID of the group whose earliest finding is first: a
// name-based (SHA-1, version 5) UUID of the finding's ID, the shape of
// Detective's finding group IDs.
func groupID(first Finding) string {
	return uuid.NewSHA1(uuid.MustParse(groupNamespace), []byte(first.ID)).String()
}

// entityKeys returns the keys of the entities a finding involves. A role
// session also yields its role's key, so findings on two sessions of one
// role share the principal.
func entityKeys(f Finding) []string {
	keys := make([]string, 0, len(f.Principals)+len(f.UserNames)+len(f.AccessKeyIDs)+len(f.RemoteIPs)+len(f.InstanceIDs)+len(f.Buckets)+len(f.Clusters))
	for _, p := range f.Principals {
		keys = append(keys, principalKeys(p)...)
	}
	for _, prefix := range []struct {
		prefix string
		values []string
	}{
		{"name:", f.UserNames}, {"accesskey:", f.AccessKeyIDs}, {"ip:", f.RemoteIPs},
		{"instance:", f.InstanceIDs}, {"bucket:", f.Buckets}, {"cluster:", f.Clusters},
	} {
		for _, v := range prefix.values {
			if v != "" {
				keys = append(keys, prefix.prefix+v)
			}
		}
	}
	return keys
}

// principalKeys returns the keys of a principal ARN: an IAM user or role
// by account and name (their ARNs may carry a path, session ARNs never
// do); a role session by itself and its role; anything else by its ARN.
func principalKeys(principal string) []string {
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) != 6 {
		return []string{"principal:" + principal}
	}
	account, resource := parts[4], parts[5]
	kind, rest, _ := strings.Cut(resource, "/")
	switch {
	case parts[2] == "iam" && (kind == "user" || kind == "role"):
		return []string{kind + ":" + account + ":" + rest[strings.LastIndex(rest, "/")+1:]}
	case parts[2] == "sts" && kind == "assumed-role":
		role, _, _ := strings.Cut(rest, "/")
		return []string{"session:" + principal, "role:" + account + ":" + role}
	}
	return []string{"principal:" + principal}
}
