package console

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

type investigationsData struct {
	Graph          string
	Graphs         []string
	Filter         url.Values
	Investigations []detective.Investigation
	NextToken      string
	Statuses       []detective.InvestigationStatus
	Severities     []detective.Severity
	States         []detective.InvestigationState
}

// myGraph is the graph a page is about: the one named by the query, or
// the account's own in its region when none is named.
func (h *Handler) myGraph(r *http.Request, s session) (string, []string, error) {
	gs, err := h.cfg.Service.ListGraphs(r.Context(), s.caller(), detective.ListGraphsInput{})
	if err != nil {
		return "", nil, err
	}
	var names []string
	for _, g := range gs.Graphs {
		names = append(names, g.ARN.String())
	}
	g := r.FormValue("graph")
	if g == "" && len(names) > 0 {
		g = names[0]
	}
	return g, names, nil
}

// investigations lists the graph's investigations with ListInvestigations'
// own filters: severity, status, state, entity and creation time.
func (h *Handler) investigations(w http.ResponseWriter, r *http.Request, s session) error {
	g, names, err := h.myGraph(r, s)
	if err != nil {
		return err
	}
	d := investigationsData{Graph: g, Graphs: names, Filter: r.URL.Query(),
		Statuses:   []detective.InvestigationStatus{detective.InvestigationRunning, detective.InvestigationSuccessful, detective.InvestigationFailed},
		Severities: []detective.Severity{detective.SeverityInformational, detective.SeverityLow, detective.SeverityMedium, detective.SeverityHigh, detective.SeverityCritical},
		States:     []detective.InvestigationState{detective.InvestigationActive, detective.InvestigationArchived},
	}
	if g == "" {
		h.render(w, r, "investigations", s, d)
		return nil
	}
	graph, err := arn.ParseGraph(g)
	if err != nil {
		return badInput("graph %q is not a behavior graph ARN", g)
	}
	q := r.URL.Query()
	f := detective.InvestigationFilter{Severity: q.Get("severity"), Status: q.Get("status"), State: q.Get("state"), EntityARN: q.Get("entity")}
	if from, to := q.Get("createdFrom"), q.Get("createdTo"); from != "" || to != "" {
		f.HasCreatedRange = true
		if f.CreatedFrom, err = parseDay(from, time.Time{}); err != nil {
			return err
		}
		if f.CreatedTo, err = parseDay(to, h.cfg.Now().Add(24*time.Hour)); err != nil {
			return err
		}
	}
	out, err := h.cfg.Service.ListInvestigations(r.Context(), s.caller(),
		detective.ListInvestigationsInput{Graph: graph, Filter: f, NextToken: q.Get("next")})
	if err != nil {
		return err
	}
	d.Investigations, d.NextToken = out.Investigations, out.NextToken
	h.render(w, r, "investigations", s, d)
	return nil
}

// parseDay reads a date (YYYY-MM-DD) or an RFC 3339 time; empty is def.
func parseDay(v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, badInput("%q is not a date (YYYY-MM-DD)", v)
	}
	return t, nil
}

// startInvestigation starts an investigation of an entity over a scope
// (by default the last day) and shows its report.
func (h *Handler) startInvestigation(w http.ResponseWriter, r *http.Request, s session) error {
	graph, err := formGraph(r)
	if err != nil {
		return err
	}
	now := h.cfg.Now().UTC().Truncate(time.Hour)
	start, err := parseDay(r.FormValue("scopeStart"), now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	end, err := parseDay(r.FormValue("scopeEnd"), now.Add(time.Hour))
	if err != nil {
		return err
	}
	id, err := h.cfg.Service.StartInvestigation(r.Context(), s.caller(), detective.StartInvestigationInput{
		Graph: graph, EntityARN: r.FormValue("entity"), ScopeStart: start, ScopeEnd: end})
	if err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"investigation?graph="+url.QueryEscape(graph.String())+"&id="+url.QueryEscape(id), http.StatusSeeOther)
	return nil
}

// indicatorSection is one indicator type of a report with its details.
type indicatorSection struct {
	Type    detective.IndicatorType
	Details [][]field
}

// field is one detail field of an indicator; nested values are flattened
// to dotted names, so every value is a string the page can link.
type field struct {
	Name  string
	Value any
}

func flatten(prefix string, v any, out []field) []field {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = flatten(join(prefix, k), v[k], out)
		}
	case []any:
		for i, e := range v {
			out = flatten(join(prefix, strconv.Itoa(i)), e, out)
		}
	default:
		out = append(out, field{prefix, v})
	}
	return out
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

type investigationData struct {
	Graph         string
	Investigation detective.Investigation
	Sections      []indicatorSection
}

// investigation is the report: severity, status, scope, and each
// indicator type as its own section.
func (h *Handler) investigation(w http.ResponseWriter, r *http.Request, s session) error {
	graph, err := formGraph(r)
	if err != nil {
		return err
	}
	id := r.FormValue("id")
	c, svc := s.caller(), h.cfg.Service
	inv, err := svc.GetInvestigation(r.Context(), c, graph, id)
	if err != nil {
		return err
	}
	d := investigationData{Graph: graph.String(), Investigation: inv}
	byType := map[detective.IndicatorType][][]field{}
	for next := ""; ; {
		out, err := svc.ListIndicators(r.Context(), c, detective.ListIndicatorsInput{Graph: graph, Investigation: id, NextToken: next})
		if err != nil {
			return err
		}
		for _, ind := range out.Indicators {
			byType[ind.Type] = append(byType[ind.Type], flatten("", map[string]any(ind.Detail), nil))
		}
		if next = out.NextToken; next == "" {
			break
		}
	}
	for _, t := range slices.Sorted(maps.Keys(byType)) {
		d.Sections = append(d.Sections, indicatorSection{Type: t, Details: byType[t]})
	}
	h.render(w, r, "investigation", s, d)
	return nil
}

// updateInvestigationState archives or unarchives an investigation.
func (h *Handler) updateInvestigationState(w http.ResponseWriter, r *http.Request, s session) error {
	graph, err := formGraph(r)
	if err != nil {
		return err
	}
	state := detective.InvestigationState(r.FormValue("state"))
	if state != detective.InvestigationActive && state != detective.InvestigationArchived {
		return badInput("state must be ACTIVE or ARCHIVED")
	}
	id := r.FormValue("id")
	if err := h.cfg.Service.UpdateInvestigationState(r.Context(), s.caller(), graph, id, state); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"investigation?graph="+url.QueryEscape(graph.String())+"&id="+url.QueryEscape(id), http.StatusSeeOther)
	return nil
}
