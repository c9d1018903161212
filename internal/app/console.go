package app

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/console"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/investigate"
	"github.com/detective-local/detective-local/internal/organizations"
)

// consoleAccounts lists what the console's sign-in offers: the accounts
// of the world (with their names in their organizations), the accounts of
// the seed file's keys and the default account.
func consoleAccounts(orgs *organizations.Service, creds map[string]auth.Credential, def detective.AccountID) func(context.Context) ([]console.Account, error) {
	return func(ctx context.Context) ([]console.Account, error) {
		names := map[detective.AccountID]string{def: ""}
		as, err := orgs.Accounts(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			names[detective.AccountID(a.ID)] = ""
		}
		os, err := orgs.Organizations(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			for _, a := range o.Accounts {
				names[detective.AccountID(a.Account)] = a.Name
			}
		}
		for _, c := range creds {
			if _, ok := names[c.Account]; !ok {
				names[c.Account] = ""
			}
		}
		out := make([]console.Account, 0, len(names))
		for id, name := range names {
			out = append(out, console.Account{ID: id, Name: name})
		}
		return out, nil
	}
}

// consoleKeys looks up the seed file's long-term keys for the console's
// sign-in; temporary (STS) keys are not among them.
func consoleKeys(creds map[string]auth.Credential) func(string) (console.Key, bool) {
	return func(id string) (console.Key, bool) {
		c, ok := creds[id]
		if !ok || c.SessionToken != "" {
			return console.Key{}, false
		}
		return console.Key{Secret: c.SecretAccessKey, Account: c.Account}, true
	}
}

// profiles reads entity profiles and findings from the behavior store for
// the console.
type profiles struct {
	store    behavior.Store
	members  detective.Store
	pipeline *ingest.Pipeline
	window   time.Duration
}

func newProfiles(store Store, now func() time.Time) console.Profiles {
	bs, ok := store.(behavior.Store)
	if !ok {
		return nil
	}
	return profiles{store: bs, members: store, pipeline: ingest.New(bs, ingest.Config{Now: now}), window: investigate.DefaultSettings().GroupWindow}
}

// Profile is an entity's profile. Principals have their own aggregates;
// an account's and an address's profile are read from the accounts'
// calls: for an address, those of every account of the graph made from it.
func (p profiles) Profile(ctx context.Context, graph arn.ARN, entity string, from, to time.Time) (behavior.Profile, error) {
	addr, err := netip.ParseAddr(entity)
	isAddr := err == nil
	if !isAddr && !isAccountID(entity) {
		return p.pipeline.Profile(ctx, graph, entity, from, to)
	}
	accounts := []detective.AccountID{detective.AccountID(entity)}
	if isAddr {
		if accounts, err = p.graphAccounts(ctx, graph); err != nil {
			return behavior.Profile{}, err
		}
	}
	var calls []behavior.APICallRow
	for _, a := range accounts {
		rows, err := p.store.AccountAPICalls(ctx, graph, a, behavior.Hour(from), to)
		if err != nil {
			return behavior.Profile{}, err
		}
		for _, r := range rows {
			// A role's rows repeat its sessions' calls: count each call
			// once, under the session that made it.
			if strings.Contains(r.Entity, ":role/") || isAddr && r.SourceIP != addr.String() {
				continue
			}
			calls = append(calls, r)
		}
	}
	ips, err := p.store.IPInfos(ctx, behavior.SourceIPs(calls))
	if err != nil {
		return behavior.Profile{}, err
	}
	row := behavior.EntityRow{Graph: graph, Entity: entity, Type: behavior.EntityAccount}
	if isAddr {
		row.Type = ""
	} else {
		row.Account = detective.AccountID(entity)
	}
	return behavior.NewProfile(row, from, to, calls, nil, ips), nil
}

// graphAccounts are the administrator and the members of graph.
func (p profiles) graphAccounts(ctx context.Context, graph arn.ARN) ([]detective.AccountID, error) {
	out := []detective.AccountID{detective.AccountID(graph.Account)}
	err := p.members.Read(ctx, func(tx detective.Tx) error {
		for after := detective.AccountID(""); ; {
			ms, err := tx.ListMembers(ctx, detective.ListMembersParams{Graph: graph, After: after, Limit: 500})
			if err != nil || len(ms) == 0 {
				return err
			}
			for _, m := range ms {
				out = append(out, m.Account)
			}
			after = ms[len(ms)-1].Account
		}
	})
	return out, err
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (p profiles) Findings(ctx context.Context, graph arn.ARN, entity string) ([]behavior.Finding, error) {
	rows, err := p.store.FindingsOf(ctx, graph, entity)
	if err != nil {
		return nil, err
	}
	out := make([]behavior.Finding, len(rows))
	for i, r := range rows {
		out[i] = r.Finding
	}
	return out, nil
}

func (p profiles) FindingGroups(ctx context.Context, graph arn.ARN, entity string) ([]investigate.Group, error) {
	fs, err := p.Findings(ctx, graph, entity)
	if err != nil {
		return nil, err
	}
	in := make([]investigate.Finding, len(fs))
	for i, f := range fs {
		in[i] = investigate.Finding{ID: f.ID, ARN: f.ARN, Type: f.Type, Severity: f.Severity, Score: f.SeverityScore,
			Source: string(f.Source), CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, FirstSeen: f.FirstSeen, LastSeen: f.LastSeen,
			Principals: f.PrincipalARNs, UserNames: f.UserNames, AccessKeyIDs: f.AccessKeyIDs, RemoteIPs: f.RemoteIPs,
			InstanceIDs: f.InstanceIDs, Buckets: f.Buckets, Clusters: f.Clusters}
	}
	return investigate.Groups(in, p.window), nil
}
