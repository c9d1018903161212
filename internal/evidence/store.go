package evidence

import (
	"context"
	"net/netip"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/investigate"
)

// Store is a behavior store read as the engine's Evidence. Its ranges are
// whole hours, as the aggregates are; the engine narrows them to exact
// times with each aggregate's first and last call.
type Store struct {
	Behavior behavior.Store
}

var _ investigate.Evidence = Store{}

// Sessions returns the role sessions or federated users linked to entity
// and active in [from, to].
func (s Store) Sessions(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) ([]string, error) {
	links, err := s.Behavior.Links(ctx, graph, entity)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range links {
		issued := l.Relation == behavior.RelationSessionOf || l.Relation == behavior.RelationIssuedBy
		if issued && l.To == entity && !l.Last.Before(from) && !l.First.After(to) {
			out = append(out, l.From)
		}
	}
	return out, nil
}

// Calls reads entity's hourly API-call rows of the hours [from, to] touch,
// with the stored enrichment of their source IPs. The ingest counts a
// session's calls under its role and a federated user's under its issuing
// user, so this one range read covers them.
func (s Store) Calls(ctx context.Context, graph arn.ARN, entity string, from, to time.Time, each func(investigate.Call)) error {
	rows, err := s.Behavior.APICalls(ctx, graph, entity, behavior.Hour(from), behavior.Hour(to).Add(time.Hour))
	if err != nil {
		return err
	}
	ips := make([]string, 0, 16)
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.SourceIP] {
			seen[r.SourceIP] = true
			if _, err := netip.ParseAddr(r.SourceIP); err == nil {
				ips = append(ips, r.SourceIP)
			}
		}
	}
	infos, err := s.ipInfos(ctx, ips)
	if err != nil {
		return err
	}
	for _, r := range rows {
		c := investigate.Call{
			Principal: r.Entity, Hour: r.Hour, First: r.First, Last: r.Last,
			EventSource: r.EventSource, EventName: r.EventName, SourceIP: r.SourceIP, UserAgent: r.UserAgent,
			Success: r.Success, Failure: r.Failure,
		}
		if info, ok := infos[r.SourceIP]; ok {
			c.Location, c.ASO = location(info.Location), aso(info.ASO)
		}
		each(c)
	}
	return nil
}

// AccountSeen returns every user agent, location and ASO the account's
// principals used in the whole hours from from until before: the hour
// that before falls in is left out, so that the scope's own first calls
// never count as the account's baseline.
func (s Store) AccountSeen(ctx context.Context, graph arn.ARN, account string, from, before time.Time, _ investigate.Profile) (investigate.Profile, error) {
	src, err := s.Behavior.AccountSources(ctx, graph, detective.AccountID(account), behavior.Hour(from), behavior.Hour(before))
	if err != nil {
		return investigate.Profile{}, err
	}
	p := investigate.Profile{UserAgents: src.UserAgents}
	infos, err := s.ipInfos(ctx, src.SourceIPs)
	if err != nil {
		return investigate.Profile{}, err
	}
	for _, ip := range src.SourceIPs {
		info := infos[ip]
		if l := location(info.Location); l != nil {
			p.Locations = append(p.Locations, *l)
		}
		if a := aso(info.ASO); a != nil {
			p.ASOs = append(p.ASOs, *a)
		}
	}
	return p, nil
}

// DataSince returns the start of the account's oldest hour of API calls.
func (s Store) DataSince(ctx context.Context, graph arn.ARN, account string) (time.Time, bool, error) {
	return s.Behavior.AccountFirstHour(ctx, graph, detective.AccountID(account))
}

// Findings returns the account's findings whose activity overlaps [from,
// to].
func (s Store) Findings(ctx context.Context, graph arn.ARN, account string, from, to time.Time) ([]investigate.Finding, error) {
	rows, err := s.Behavior.GraphFindings(ctx, graph, detective.AccountID(account))
	if err != nil {
		return nil, err
	}
	var out []investigate.Finding
	for _, r := range rows {
		f := Finding(r.Finding)
		if start, end := window(f); !end.Before(from) && !start.After(to) {
			out = append(out, f)
		}
	}
	return out, nil
}

func (s Store) ipInfos(ctx context.Context, ips []string) (map[string]behavior.IPInfo, error) {
	infos, err := s.Behavior.IPInfos(ctx, ips)
	if err != nil {
		return nil, err
	}
	out := make(map[string]behavior.IPInfo, len(infos))
	for _, info := range infos {
		out[info.IP] = info
	}
	return out, nil
}

// Finding is a stored finding as the engine reads it.
func Finding(f behavior.Finding) investigate.Finding {
	return investigate.Finding{
		ID: f.ID, ARN: f.ARN, Type: f.Type, Severity: f.Severity, Score: f.SeverityScore, Source: string(f.Source),
		CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, FirstSeen: f.FirstSeen, LastSeen: f.LastSeen,
		Principals: f.PrincipalARNs, UserNames: f.UserNames, AccessKeyIDs: f.AccessKeyIDs, RemoteIPs: f.RemoteIPs,
		InstanceIDs: f.InstanceIDs, Buckets: f.Buckets, Clusters: f.Clusters,
	}
}

// window is the finding's activity window as the engine reckons it: first
// and last seen, or created and updated when those are unknown.
func window(f investigate.Finding) (start, end time.Time) {
	start, end = f.FirstSeen, f.LastSeen
	if start.IsZero() {
		start = f.CreatedAt
	}
	if end.IsZero() {
		end = f.UpdatedAt
	}
	if end.Before(start) {
		end = start
	}
	return start, end
}

func location(l *behavior.Location) *investigate.Location {
	if l == nil {
		return nil
	}
	return &investigate.Location{City: l.City, Region: l.Region, Country: l.Country, CountryCode: l.CountryCode,
		Latitude: l.Latitude, Longitude: l.Longitude}
}

func aso(a *behavior.ASO) *investigate.ASO {
	if a == nil {
		return nil
	}
	return &investigate.ASO{Number: a.Number, Organization: a.Organization}
}
