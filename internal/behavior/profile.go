package behavior

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Profile is what a behavior graph knows of one entity over a time range:
// the entity view. Its JSON form is the entity-view endpoint's answer.
type Profile struct {
	Entity    string     `json:"entity"`
	Type      EntityType `json:"type,omitempty"`
	Account   string     `json:"account,omitempty"`
	From      time.Time  `json:"from"`
	To        time.Time  `json:"to"`
	FirstSeen time.Time  `json:"firstSeen,omitzero"` // exact, within the range
	LastSeen  time.Time  `json:"lastSeen,omitzero"`

	APICalls   []APICallStat   `json:"apiCalls"`
	SourceIPs  []SourceIPStat  `json:"sourceIps"`
	UserAgents []UserAgentStat `json:"userAgents"`
	Hours      []HourStat      `json:"hours"`
	Related    []RelatedEntity `json:"related"`
}

// Counts are successful and failed calls with when they happened.
type Counts struct {
	Success   int64     `json:"success"`
	Failure   int64     `json:"failure"`
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
}

func (c *Counts) add(r *APICallRow) {
	c.Success += r.Success
	c.Failure += r.Failure
	if c.FirstSeen.IsZero() || r.First.Before(c.FirstSeen) {
		c.FirstSeen = r.First
	}
	if r.Last.After(c.LastSeen) {
		c.LastSeen = r.Last
	}
}

// APICallStat is one API (eventSource + eventName) the entity called, in
// total and per hour.
type APICallStat struct {
	EventSource string     `json:"eventSource"`
	EventName   string     `json:"eventName"`
	Hours       []HourStat `json:"hours"`
	Counts
}

// SourceIPStat is an address the entity called from, with its enrichment.
type SourceIPStat struct {
	IP       string    `json:"ip"`
	Location *Location `json:"location,omitempty"`
	ASO      *ASO      `json:"aso,omitempty"`
	Counts
}

// UserAgentStat is a user agent the entity called with.
type UserAgentStat struct {
	UserAgent string `json:"userAgent"`
	Counts
}

// HourStat is the calls of one hour.
type HourStat struct {
	Hour    time.Time `json:"hour"`
	Success int64     `json:"success"`
	Failure int64     `json:"failure"`
}

// RelatedEntity is an entity linked to the profiled one: a session's role,
// a role's sessions, a federated user's issuing user and the reverse.
type RelatedEntity struct {
	Entity   string    `json:"entity"`
	Relation Relation  `json:"relation"`
	Outgoing bool      `json:"outgoing"` // the profiled entity is the link's From
	First    time.Time `json:"firstSeen"`
	Last     time.Time `json:"lastSeen"`
}

// NewProfile builds entity's profile over [from, to) from its stored rows:
// API-call rows, links and the enrichment of its source addresses.
func NewProfile(entity EntityRow, from, to time.Time, calls []APICallRow, links []LinkRow, ips []IPInfo) Profile {
	p := Profile{Entity: entity.Entity, Type: entity.Type, Account: string(entity.Account), From: from, To: to,
		APICalls: []APICallStat{}, SourceIPs: []SourceIPStat{}, UserAgents: []UserAgentStat{}, Hours: []HourStat{},
		Related: []RelatedEntity{}}
	type api struct{ source, name string }
	apis := map[api]*APICallStat{}
	apiHours := map[api]map[time.Time]*HourStat{}
	srcs := map[string]*SourceIPStat{}
	uas := map[string]*UserAgentStat{}
	hours := map[time.Time]*HourStat{}
	var all Counts
	for i := range calls {
		r := &calls[i]
		all.add(r)
		k := api{r.EventSource, r.EventName}
		a := apis[k]
		if a == nil {
			a = &APICallStat{EventSource: r.EventSource, EventName: r.EventName}
			apis[k], apiHours[k] = a, map[time.Time]*HourStat{}
		}
		a.add(r)
		addHour(apiHours[k], r)
		addHour(hours, r)
		if srcs[r.SourceIP] == nil {
			srcs[r.SourceIP] = &SourceIPStat{IP: r.SourceIP}
		}
		srcs[r.SourceIP].add(r)
		if uas[r.UserAgent] == nil {
			uas[r.UserAgent] = &UserAgentStat{UserAgent: r.UserAgent}
		}
		uas[r.UserAgent].add(r)
	}
	p.FirstSeen, p.LastSeen = all.FirstSeen, all.LastSeen
	for k, a := range apis {
		a.Hours = sortedHours(apiHours[k])
		p.APICalls = append(p.APICalls, *a)
	}
	slices.SortFunc(p.APICalls, func(a, b APICallStat) int {
		return cmp.Or(strings.Compare(a.EventSource, b.EventSource), strings.Compare(a.EventName, b.EventName))
	})
	for _, info := range ips {
		if s := srcs[info.IP]; s != nil {
			s.Location, s.ASO = info.Location, info.ASO
		}
	}
	for _, s := range srcs {
		p.SourceIPs = append(p.SourceIPs, *s)
	}
	slices.SortFunc(p.SourceIPs, func(a, b SourceIPStat) int { return strings.Compare(a.IP, b.IP) })
	for _, u := range uas {
		p.UserAgents = append(p.UserAgents, *u)
	}
	slices.SortFunc(p.UserAgents, func(a, b UserAgentStat) int { return strings.Compare(a.UserAgent, b.UserAgent) })
	p.Hours = sortedHours(hours)
	for _, l := range links {
		r := RelatedEntity{Entity: l.To, Relation: l.Relation, Outgoing: true, First: l.First, Last: l.Last}
		if l.From != entity.Entity {
			r.Entity, r.Outgoing = l.From, false
		}
		p.Related = append(p.Related, r)
	}
	return p
}

func addHour(m map[time.Time]*HourStat, r *APICallRow) {
	h := m[r.Hour]
	if h == nil {
		h = &HourStat{Hour: r.Hour}
		m[r.Hour] = h
	}
	h.Success += r.Success
	h.Failure += r.Failure
}

func sortedHours(m map[time.Time]*HourStat) []HourStat {
	out := make([]HourStat, 0, len(m))
	for _, h := range m {
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b HourStat) int { return a.Hour.Compare(b.Hour) })
	return out
}

// SourceIPs returns the distinct source addresses of rows.
func SourceIPs(rows []APICallRow) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rows {
		if !seen[r.SourceIP] {
			seen[r.SourceIP] = true
			out = append(out, r.SourceIP)
		}
	}
	slices.Sort(out)
	return out
}
