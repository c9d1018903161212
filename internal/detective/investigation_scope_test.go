package detective

import (
	"testing"
	"time"
)

// TestInvestigationScopeTellsQueriesApart: a page token is bound to the
// filter and order it was issued under, so every field, and the boundary
// between fields, must show in the scope.
func TestInvestigationScopeTellsQueriesApart(t *testing.T) {
	t0 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	scope := func(f InvestigationFilter, o InvestigationSort) string { return f.scope() + "|" + o.scope() }
	queries := []struct {
		name string
		f    InvestigationFilter
		o    InvestigationSort
	}{
		{"none", InvestigationFilter{}, InvestigationSort{}},
		{"severity", InvestigationFilter{Severity: "HIGH"}, InvestigationSort{}},
		{"status", InvestigationFilter{Status: "HIGH"}, InvestigationSort{}},
		{"state", InvestigationFilter{State: "ACTIVE"}, InvestigationSort{}},
		{"entity", InvestigationFilter{EntityARN: "arn:aws:iam::111111111111:role/a"}, InvestigationSort{}},
		{"entity with a separator", InvestigationFilter{EntityARN: `a","b`}, InvestigationSort{}},
		{"entity and state", InvestigationFilter{EntityARN: "a", State: "b"}, InvestigationSort{}},
		{"created", InvestigationFilter{HasCreatedRange: true, CreatedFrom: t0, CreatedTo: t0.Add(time.Hour)}, InvestigationSort{}},
		{"created later", InvestigationFilter{HasCreatedRange: true, CreatedFrom: t0, CreatedTo: t0.Add(2 * time.Hour)}, InvestigationSort{}},
		{"empty created range", InvestigationFilter{HasCreatedRange: true}, InvestigationSort{}},
		{"sort field", InvestigationFilter{}, InvestigationSort{Field: "SEVERITY"}},
		{"descending", InvestigationFilter{}, InvestigationSort{Desc: true}},
	}
	seen := map[string]string{}
	for _, q := range queries {
		s := scope(q.f, q.o)
		if other, ok := seen[s]; ok {
			t.Errorf("queries %q and %q have the same scope %q", other, q.name, s)
		}
		seen[s] = q.name
		if again := scope(q.f, q.o); again != s {
			t.Errorf("scope of %q = %q, then %q", q.name, s, again)
		}
	}
	// The same instant in another zone is the same filter.
	zone := time.FixedZone("UTC+1", 3600)
	a := InvestigationFilter{HasCreatedRange: true, CreatedFrom: t0, CreatedTo: t0}
	b := InvestigationFilter{HasCreatedRange: true, CreatedFrom: t0.In(zone), CreatedTo: t0.In(zone)}
	if a.scope() != b.scope() {
		t.Errorf("scope(%v) = %q, scope(%v) = %q, want equal", a, a.scope(), b, b.scope())
	}
}
