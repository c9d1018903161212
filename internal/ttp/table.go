package ttp

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/detective-local/detective-local/internal/behavior"
)

//go:embed mapping.tsv
var embedded string

// Mapping is one row of the table: an API call (and condition) and the
// tactic, technique and procedure it stands for.
type Mapping struct {
	EventSource string
	EventName   string
	Condition   string // "" when every call matches
	Tactic      string // ATT&CK tactic name, e.g. "Credential Access"
	Technique   string // ATT&CK ID and name, e.g. "T1098.001 Additional Cloud Credentials"
	Procedure   string // what the call did, in a few words
	Source      string // where the row comes from
}

// ID names the row stably, for storing with the aggregates of the calls
// that met it: its eventSource, eventName and condition, the same three
// that an override names, separated by spaces.
func (m Mapping) ID() string {
	return strings.TrimSpace(m.EventSource + " " + m.EventName + " " + m.Condition)
}

// Table is the loaded mapping. It is immutable and safe for concurrent use.
type Table struct {
	// data is the parsed table. The embedded table alone is parsed on
	// first use, not at start: most starts never investigate or ingest.
	data func() *tableData
}

type tableData struct {
	rows  []row
	index map[callKey][]int // into rows, in table order
	byID  map[string]int
}

type row struct {
	Mapping
	cond condition
}

type callKey struct{ source, name string }

// header is the first line every mapping file must have, so that a file
// says what its columns are.
const header = "eventSource\teventName\tcondition\ttactic\ttechnique\tprocedure\tsource"

// removeTactic in an extra file's tactic column deletes the row it names.
const removeTactic = "-"

// Load reads the embedded table and then each of extra in order, whose
// rows override or add to it (see the package doc). Without extra, the
// embedded table is parsed on the table's first use; its tests hold it
// valid, so a failure there is a broken build and panics.
func Load(extra ...io.Reader) (*Table, error) {
	if len(extra) == 0 {
		return &Table{data: sync.OnceValue(func() *tableData {
			d, err := build()
			if err != nil {
				panic(err)
			}
			return d
		})}, nil
	}
	d, err := build(extra...)
	if err != nil {
		return nil, err
	}
	return &Table{data: func() *tableData { return d }}, nil
}

func build(extra ...io.Reader) (*tableData, error) {
	b := &builder{keys: map[rowKey]int{}}
	if err := b.read(strings.NewReader(embedded), "mapping.tsv"); err != nil {
		return nil, err
	}
	for i, r := range extra {
		if err := b.read(r, fmt.Sprintf("extra mapping %d", i+1)); err != nil {
			return nil, err
		}
	}
	return b.table(), nil
}

// Rows returns every mapping in table order.
func (t *Table) Rows() []Mapping {
	d := t.data()
	out := make([]Mapping, len(d.rows))
	for i, r := range d.rows {
		out[i] = r.Mapping
	}
	return out
}

// Lookup returns the row with the given ID, for aggregates that recorded
// which mapping their calls met.
func (t *Table) Lookup(id string) (Mapping, bool) {
	d := t.data()
	i, ok := d.byID[id]
	if !ok {
		return Mapping{}, false
	}
	return d.rows[i].Mapping, true
}

// Candidates returns every row for an API, whatever its condition, in
// table order: what a caller that holds aggregates rather than records
// can still weigh (eventName may carry an API version suffix).
func (t *Table) Candidates(eventSource, eventName string) []Mapping {
	d := t.data()
	var out []Mapping
	for _, i := range d.rowsFor(eventSource, eventName) {
		out = append(out, d.rows[i].Mapping)
	}
	return out
}

func (d *tableData) rowsFor(eventSource, eventName string) []int {
	idx := d.index[callKey{eventSource, eventName}]
	if idx == nil {
		if name, ok := withoutAPIVersion(eventName); ok {
			idx = d.index[callKey{eventSource, name}]
		}
	}
	return idx
}

// Match returns the mappings whose event and condition the call meets,
// in table order; nil for the usual call, which maps to nothing.
func (t *Table) Match(call behavior.APICall) []Mapping {
	d := t.data()
	idx := d.rowsFor(call.EventSource, call.EventName)
	if idx == nil {
		return nil
	}
	var (
		out []Mapping
		ev  *event
	)
	for _, i := range idx {
		r := &d.rows[i]
		if r.cond != nil {
			if ev == nil {
				ev = newEvent(call)
			}
			if !r.cond.holds(ev) {
				continue
			}
		}
		out = append(out, r.Mapping)
	}
	return out
}

// newEvent takes its own copy of the call, so that only calls with a
// condition to check move to the heap (the event's decoded documents
// escape, and the call with them).
func newEvent(call behavior.APICall) *event {
	return &event{call: &call}
}

// withoutAPIVersion strips the API version some services append to
// eventName ("UpdateFunctionCode20150331v2" → "UpdateFunctionCode").
func withoutAPIVersion(name string) (string, bool) {
	i := len(name)
	if j := strings.LastIndexByte(name, 'v'); j >= 0 && j < i-1 && allDigits(name[j+1:]) {
		i = j
	}
	if i < 9 || !allDigits(name[i-8:i]) {
		return "", false
	}
	return name[:i-8], true
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

type rowKey struct{ source, name, condition string }

type builder struct {
	rows    []row
	removed []bool
	keys    map[rowKey]int
}

func (b *builder) read(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	sawHeader := false
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !sawHeader {
			if text != header {
				return fmt.Errorf("ttp: %s:%d: want the header line %q", name, line, header)
			}
			sawHeader = true
			continue
		}
		if err := b.add(text); err != nil {
			return fmt.Errorf("ttp: %s:%d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ttp: %s: %w", name, err)
	}
	return nil
}

func (b *builder) add(line string) error {
	f := strings.Split(line, "\t")
	if len(f) != 7 {
		return fmt.Errorf("want 7 tab-separated columns, got %d", len(f))
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	m := Mapping{EventSource: f[0], EventName: f[1], Condition: f[2], Tactic: f[3], Technique: f[4], Procedure: f[5], Source: f[6]}
	if m.EventSource == "" || m.EventName == "" {
		return fmt.Errorf("eventSource and eventName are required")
	}
	key := rowKey{m.EventSource, m.EventName, m.Condition}
	if m.Tactic == removeTactic {
		if i, ok := b.keys[key]; ok {
			b.removed[i] = true
			delete(b.keys, key)
		}
		return nil
	}
	if !isTactic(m.Tactic) {
		return fmt.Errorf("tactic %q is not an ATT&CK Enterprise tactic name", m.Tactic)
	}
	if !isTechnique(m.Technique) {
		return fmt.Errorf("technique %q: want an ATT&CK ID and name, as in %q", m.Technique, "T1098.001 Additional Cloud Credentials")
	}
	if m.Procedure == "" || m.Source == "" {
		return fmt.Errorf("procedure and source are required")
	}
	cond, err := parseCondition(m.Condition)
	if err != nil {
		return err
	}
	r := row{Mapping: m, cond: cond}
	if i, ok := b.keys[key]; ok {
		b.rows[i] = r
		return nil
	}
	b.keys[key] = len(b.rows)
	b.rows = append(b.rows, r)
	b.removed = append(b.removed, false)
	return nil
}

func (b *builder) table() *tableData {
	t := &tableData{index: map[callKey][]int{}, byID: map[string]int{}}
	for i, r := range b.rows {
		if b.removed[i] {
			continue
		}
		k := callKey{r.EventSource, r.EventName}
		t.index[k] = append(t.index[k], len(t.rows))
		t.byID[r.ID()] = len(t.rows)
		t.rows = append(t.rows, r)
	}
	return t
}

// isTechnique reports whether s is an ATT&CK technique or sub-technique
// ID and a name: "T1098 Account Manipulation", "T1098.001 Additional …".
func isTechnique(s string) bool {
	id, name, ok := strings.Cut(s, " ")
	if !ok || strings.TrimSpace(name) == "" || len(id) < 5 || id[0] != 'T' || !allDigits(id[1:5]) {
		return false
	}
	return len(id) == 5 || len(id) == 9 && id[5] == '.' && allDigits(id[6:])
}

// isTactic reports whether name is one of the 14 tactics of ATT&CK
// Enterprise v18.1 (© 2025 The MITRE Corporation; see ATTRIBUTION.md).
func isTactic(name string) bool {
	switch name {
	case "Reconnaissance", "Resource Development", "Initial Access", "Execution",
		"Persistence", "Privilege Escalation", "Defense Evasion", "Credential Access",
		"Discovery", "Lateral Movement", "Collection", "Command and Control",
		"Exfiltration", "Impact":
		return true
	}
	return false
}
