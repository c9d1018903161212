package ttp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// attackNames is the shape of testdata/attack-v18.1-names.json and of
// shared/data/enterprise-attack-v18.1.json, of which it is a subset.
type attackNames struct {
	Version string `json:"attack_version"`
	Tactics []struct {
		ID, Name, Shortname string
	} `json:"tactics"`
	Techniques []struct {
		ID, Name string
		Tactics  []string
	} `json:"techniques"`
}

func mustReadAttack(tb testing.TB, path string) attackNames {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var a attackNames
	if err := json.Unmarshal(b, &a); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	if a.Version != "18.1" {
		tb.Fatalf("%s: ATT&CK version %q, want 18.1", path, a.Version)
	}
	return a
}

// sharedData returns shared/data beside the repository (../shared from its
// root), skipping when absent, except in CI, where it must be there.
func sharedData(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = filepath.Dir(dir)
	}
	data := filepath.Join(dir, "..", "shared", "data")
	if _, err := os.Stat(data); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI must have shared/data: %v", err)
		}
		tb.Skipf("shared/data absent: %v", err)
	}
	return data
}

// checkRowsAgainst requires every row's tactic to be an ATT&CK tactic, its
// technique ID and name to be ATT&CK's, and the technique to belong to
// that tactic.
func checkRowsAgainst(t *testing.T, a attackNames, rows []Mapping) {
	t.Helper()
	shortname := map[string]string{}
	for _, tac := range a.Tactics {
		shortname[tac.Name] = tac.Shortname
	}
	type technique struct {
		name    string
		tactics []string
	}
	techniques := map[string]technique{}
	for _, tech := range a.Techniques {
		techniques[tech.ID] = technique{tech.Name, tech.Tactics}
	}
	for _, r := range rows {
		where := r.EventSource + " " + r.EventName + " [" + r.Condition + "]"
		short, ok := shortname[r.Tactic]
		if !ok {
			t.Errorf("%s: tactic %q is not in ATT&CK v18.1", where, r.Tactic)
			continue
		}
		id, name, _ := strings.Cut(r.Technique, " ")
		tech, ok := techniques[id]
		switch {
		case !ok:
			t.Errorf("%s: technique %s is not in the ATT&CK names (add it to testdata/attack-v18.1-names.json from shared/data)", where, id)
		case tech.name != name:
			t.Errorf("%s: technique %s is %q in ATT&CK v18.1, not %q", where, id, tech.name, name)
		case !slices.Contains(tech.tactics, short):
			t.Errorf("%s: technique %s belongs to %v, not to %s", where, id, tech.tactics, r.Tactic)
		}
	}
}

func TestTableMatchesATTACK(t *testing.T) {
	t.Parallel()
	table := mustLoad(t)
	checkRowsAgainst(t, mustReadAttack(t, filepath.Join("testdata", "attack-v18.1-names.json")), table.Rows())
}

// TestTableMatchesSharedATTACK checks the rows against the full ATT&CK
// v18.1 data, so that the copied subset cannot drift from it.
func TestTableMatchesSharedATTACK(t *testing.T) {
	t.Parallel()
	full := mustReadAttack(t, filepath.Join(sharedData(t), "enterprise-attack-v18.1.json"))
	checkRowsAgainst(t, full, mustLoad(t).Rows())
}

// TestSigmaSources requires every sigma:FILE source to be a rule of
// shared/data/sigma-cloudtrail and to be attributed in ATTRIBUTION.md, as
// the Detection Rule License requires.
func TestSigmaSources(t *testing.T) {
	t.Parallel()
	attribution, err := os.ReadFile("ATTRIBUTION.md")
	if err != nil {
		t.Fatal(err)
	}
	rules := filepath.Join(sharedData(t), "sigma-cloudtrail")
	for _, r := range mustLoad(t).Rows() {
		file, ok := strings.CutPrefix(r.Source, "sigma:")
		if !ok {
			continue
		}
		if _, err := os.Stat(filepath.Join(rules, file)); err != nil {
			t.Errorf("%s %s: source %s: %v", r.EventSource, r.EventName, r.Source, err)
		}
		if !strings.Contains(string(attribution), "["+file+"]") {
			t.Errorf("%s %s: %s is not attributed in ATTRIBUTION.md", r.EventSource, r.EventName, file)
		}
	}
}

func TestRowsPerTactic(t *testing.T) {
	t.Parallel()
	rows := mustLoad(t).Rows()
	perTactic := map[string]int{}
	for _, r := range rows {
		perTactic[r.Tactic]++
	}
	t.Logf("%d rows: %v", len(rows), perTactic)
	if len(rows) < 80 {
		t.Errorf("%d rows, want at least 80", len(rows))
	}
	for _, tactic := range []string{"Initial Access", "Execution", "Persistence", "Privilege Escalation",
		"Defense Evasion", "Credential Access", "Discovery", "Lateral Movement", "Exfiltration", "Impact"} {
		if perTactic[tactic] == 0 {
			t.Errorf("no row for %s", tactic)
		}
	}
}
