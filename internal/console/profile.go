package console

import (
	"cmp"
	"encoding/json"
	"html/template"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
)

// baselineSpan is the history an entity's activity is compared with, as
// Detective's profile panels do: the 45 days before the scope.
const baselineSpan = 45 * 24 * time.Hour

// defaultScope is the time range a profile shows when none is chosen.
const defaultScope = 7 * 24 * time.Hour

// topAPIs bounds the API table of a profile.
const topAPIs = 25

type apiRow struct {
	Source, Name     string
	Success, Failure int64
	New              bool // not called in the baseline
}

type ipRow struct {
	IP               string
	Location, ASO    string
	Success, Failure int64
	New              bool // the address, its location or its ASO is new
}

type uaRow struct {
	UserAgent        string
	Success, Failure int64
	New              bool
}

// mapPoint is a located address on the equirectangular world outline
// (x = longitude + 180, y = 90 − latitude, in a 360 × 180 box).
type mapPoint struct {
	X, Y  float64
	Label string
	New   bool
}

type profileData struct {
	Graph, Entity   string
	Type            string
	From, To        string // the form's values (YYYY-MM-DDTHH:MM, UTC)
	FirstSeen       string
	LastSeen        string
	Investigable    bool // an IAM user or role: StartInvestigation takes it
	Available       bool // the server keeps behavior data
	Empty           bool // no activity in the scope
	Total, Failures int64
	APIs            []apiRow
	IPs             []ipRow
	UserAgents      []uaRow
	Related         []behavior.RelatedEntity
	Findings        []behavior.Finding
	Points          []mapPoint
	// Series is the hourly chart's data for uPlot: [hours (Unix
	// seconds), successful, failed], as JSON.
	Series template.JS
}

// profile is an entity's activity over the scope against its baseline.
func (h *Handler) profile(w http.ResponseWriter, r *http.Request, s session) error {
	graph, err := h.adminGraph(r, s)
	if err != nil {
		return err
	}
	entity := strings.TrimSpace(r.FormValue("entity"))
	if entity == "" {
		return badInput("no entity named")
	}
	to, err := parseTime(r.FormValue("to"), h.cfg.Now().UTC().Truncate(time.Hour).Add(time.Hour))
	if err != nil {
		return err
	}
	from, err := parseTime(r.FormValue("from"), to.Add(-defaultScope))
	if err != nil {
		return err
	}
	if !from.Before(to) {
		return badInput("the range must start before it ends")
	}
	d := profileData{Graph: graph.String(), Entity: entity, From: from.Format(formTime), To: to.Format(formTime),
		Investigable: strings.HasPrefix(entity, "arn:aws:iam::") && (strings.Contains(entity, ":user/") || strings.Contains(entity, ":role/")),
		Series:       "[[],[],[]]"}
	if h.cfg.Profiles == nil {
		h.render(w, r, "profile", s, d)
		return nil
	}
	d.Available = true
	p, err := h.cfg.Profiles.Profile(r.Context(), graph, entity, from, to)
	if err != nil {
		return err
	}
	base, err := h.cfg.Profiles.Profile(r.Context(), graph, entity, from.Add(-baselineSpan), from)
	if err != nil {
		return err
	}
	if d.Findings, err = h.cfg.Profiles.Findings(r.Context(), graph, entity); err != nil {
		return err
	}
	fillProfile(&d, p, base)
	h.render(w, r, "profile", s, d)
	return nil
}

// formTime is the layout of datetime-local inputs, read as UTC.
const formTime = "2006-01-02T15:04"

func parseTime(v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	for _, layout := range []string{formTime, time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, badInput("%q is not a time (YYYY-MM-DDTHH:MM)", v)
}

// adminGraph is the graph named by the request, which must be the
// account's own: behavior data is the administrator's to see, as in
// Detective, where members see nothing of the graph.
func (h *Handler) adminGraph(r *http.Request, s session) (arn.ARN, error) {
	g, _, err := h.myGraph(r, s)
	if err != nil {
		return arn.ARN{}, err
	}
	graph, err := arn.ParseGraph(g)
	if err != nil {
		return arn.ARN{}, badInput("graph %q is not a behavior graph ARN", g)
	}
	if graph.Account != string(s.Account) || graph.Region != s.Region {
		return arn.ARN{}, badInput("graph %s is not this account's graph in %s", g, s.Region)
	}
	return graph, nil
}

// fillProfile turns the scope's profile and the baseline's into the
// page's tables, marking what the baseline never saw.
func fillProfile(d *profileData, p, base behavior.Profile) {
	d.Type = string(p.Type)
	d.FirstSeen, d.LastSeen = when(p.FirstSeen), when(p.LastSeen)
	d.Empty = len(p.Hours) == 0
	d.Related = p.Related

	knownAPI := map[[2]string]bool{}
	for _, a := range base.APICalls {
		knownAPI[[2]string{a.EventSource, a.EventName}] = true
	}
	for _, a := range p.APICalls {
		d.APIs = append(d.APIs, apiRow{a.EventSource, a.EventName, a.Success, a.Failure, !knownAPI[[2]string{a.EventSource, a.EventName}]})
		d.Total += a.Success + a.Failure
		d.Failures += a.Failure
	}
	slices.SortStableFunc(d.APIs, func(a, b apiRow) int { return cmp.Compare(b.Success+b.Failure, a.Success+a.Failure) })
	if len(d.APIs) > topAPIs {
		d.APIs = d.APIs[:topAPIs]
	}

	knownIP, knownLoc, knownASO := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, ip := range base.SourceIPs {
		knownIP[ip.IP] = true
		knownLoc[locationName(ip.Location)] = true
		knownASO[asoName(ip.ASO)] = true
	}
	for _, ip := range p.SourceIPs {
		loc, aso := locationName(ip.Location), asoName(ip.ASO)
		isNew := !knownIP[ip.IP] || loc != "" && !knownLoc[loc] || aso != "" && !knownASO[aso]
		d.IPs = append(d.IPs, ipRow{ip.IP, loc, aso, ip.Success, ip.Failure, isNew})
		if ip.Location != nil {
			d.Points = append(d.Points, mapPoint{X: ip.Location.Longitude + 180, Y: 90 - ip.Location.Latitude,
				Label: ip.IP + " — " + loc, New: isNew})
		}
	}
	slices.SortStableFunc(d.IPs, func(a, b ipRow) int { return cmp.Compare(b.Success+b.Failure, a.Success+a.Failure) })

	knownUA := map[string]bool{}
	for _, u := range base.UserAgents {
		knownUA[u.UserAgent] = true
	}
	for _, u := range p.UserAgents {
		d.UserAgents = append(d.UserAgents, uaRow{u.UserAgent, u.Success, u.Failure, !knownUA[u.UserAgent]})
	}
	slices.SortStableFunc(d.UserAgents, func(a, b uaRow) int { return cmp.Compare(b.Success+b.Failure, a.Success+a.Failure) })

	d.Series = hourSeries(p.Hours)
}

// hourSeries is the uPlot data of the hourly chart.
func hourSeries(hours []behavior.HourStat) template.JS {
	xs, ok, failed := make([]int64, len(hours)), make([]int64, len(hours)), make([]int64, len(hours))
	for i, h := range hours {
		xs[i], ok[i], failed[i] = h.Hour.Unix(), h.Success, h.Failure
	}
	b, _ := json.Marshal([3][]int64{xs, ok, failed}) // integers always encode
	return template.JS(b)
}

func locationName(l *behavior.Location) string {
	if l == nil {
		return ""
	}
	parts := make([]string, 0, 3)
	for _, p := range []string{l.City, l.Region, l.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func asoName(a *behavior.ASO) string {
	if a == nil {
		return ""
	}
	if a.Organization == "" {
		return "AS" + itoa(int64(a.Number))
	}
	return "AS" + itoa(int64(a.Number)) + " " + a.Organization
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}
