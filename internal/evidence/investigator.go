package evidence

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/investigate"
)

// Investigator runs the engine on the stored behavior graph for
// detective.Service's investigation job.
type Investigator struct {
	Store    Store
	TTPs     TTPs
	Threats  Threats
	Settings investigate.Settings
}

var _ detective.Investigator = (*Investigator)(nil)

// Investigate computes inv. The threat lists it checks include the remote
// IPs of the entity's account's findings over baseline and scope; the
// explanation is the engine's, as JSON.
func (iv *Investigator) Investigate(ctx context.Context, inv detective.Investigation) ([]detective.Indicator, detective.Severity, []byte, error) {
	entity, err := arn.Parse(inv.EntityARN)
	if err != nil {
		return nil, "", nil, fmt.Errorf("entity %q: %w", inv.EntityARN, err)
	}
	findings, err := iv.Store.Findings(ctx, inv.Graph, entity.Account, inv.ScopeStart.Add(-iv.Settings.Baseline), inv.ScopeEnd)
	if err != nil {
		return nil, "", nil, fmt.Errorf("findings of account %s: %w", entity.Account, err)
	}
	threats := iv.Threats.WithFindings(findings, iv.Settings.ThreatMinScore)
	inds, sev, expl, err := investigate.New(iv.Store, iv.TTPs, threats, iv.Settings).Investigate(ctx, inv)
	if err != nil {
		return nil, "", nil, err
	}
	b, err := json.Marshal(expl)
	if err != nil {
		return nil, "", nil, fmt.Errorf("explanation: %w", err)
	}
	return inds, sev, b, nil
}

// Group is a finding group as the operator endpoint shows it.
type Group struct {
	ID       string              `json:"Id"`
	Severity string              `json:"Severity"`
	Start    time.Time           `json:"Start"`
	End      time.Time           `json:"End"`
	Findings []GroupFinding      `json:"Findings"`
	Entities map[string][]string `json:"Entities"`
}

// GroupFinding is one finding of a Group.
type GroupFinding struct {
	ID       string `json:"Id"`
	ARN      string `json:"Arn"`
	Type     string `json:"Type"`
	Severity string `json:"Severity,omitempty"`
}

// FindingGroups returns the finding groups of every finding in graph, as
// investigations compute them (the same IDs), with the entities each
// group's findings name.
func (iv *Investigator) FindingGroups(ctx context.Context, graph arn.ARN) ([]Group, error) {
	rows, err := iv.Store.Behavior.GraphFindings(ctx, graph, "")
	if err != nil {
		return nil, err
	}
	findings := make([]investigate.Finding, len(rows))
	for i, r := range rows {
		findings[i] = Finding(r.Finding)
	}
	groups := investigate.Groups(findings, iv.Settings.GroupWindow)
	out := make([]Group, len(groups))
	for i, g := range groups {
		out[i] = Group{ID: g.ID, Severity: string(g.Severity), Start: g.Start, End: g.End, Entities: entities(g.Findings)}
		for _, f := range g.Findings {
			out[i].Findings = append(out[i].Findings, GroupFinding{ID: f.ID, ARN: f.ARN, Type: f.Type, Severity: f.Severity})
		}
	}
	return out, nil
}

// entities lists the entities findings name, by kind, each once.
func entities(fs []investigate.Finding) map[string][]string {
	out := map[string][]string{}
	seen := map[string]bool{}
	add := func(kind string, values []string) {
		for _, v := range values {
			if v != "" && !seen[kind+"\x00"+v] {
				seen[kind+"\x00"+v] = true
				out[kind] = append(out[kind], v)
			}
		}
	}
	for _, f := range fs {
		add("Principals", f.Principals)
		add("UserNames", f.UserNames)
		add("AccessKeyIds", f.AccessKeyIDs)
		add("IpAddresses", f.RemoteIPs)
		add("InstanceIds", f.InstanceIDs)
		add("Buckets", f.Buckets)
		add("Clusters", f.Clusters)
	}
	return out
}
