package investigate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// Engine computes investigations from a behavior graph's evidence.
type Engine struct {
	evidence Evidence
	ttps     TTPTable
	threats  ThreatList
	settings Settings
}

// New returns an engine reading evidence, mapping calls with ttps and
// flagging IPs on threats, with the given thresholds.
func New(evidence Evidence, ttps TTPTable, threats ThreatList, settings Settings) *Engine {
	return &Engine{evidence: evidence, ttps: ttps, threats: threats, settings: settings}
}

// Explanation says why an investigation came out as it did, for an
// operator: which principals and windows were read, and for each
// indicator, which aggregates or findings produced it.
type Explanation struct {
	Principals         []string // the entity and the sessions or federated users it issued in baseline and scope
	ScopeStart         time.Time
	ScopeEnd           time.Time
	BaselineStart      time.Time // the baseline is [BaselineStart, ScopeStart)
	Trained            bool      // whether the account had data long enough for NEW_* indicators
	ScopeAggregates    int
	BaselineAggregates int
	Findings           int    // findings of the account read (baseline and scope)
	Severity           string // which indicator decided the severity
	Indicators         []Why  // one per indicator, in the same order
}

// Why is the reason for one indicator.
type Why struct {
	Type     detective.IndicatorType
	Severity detective.Severity // the least severity this indicator gives the investigation
	Rule     string             // the rule that fired, with its figures
	Calls    []Call             // the hourly aggregates that produced it
	Findings []string           // IDs of the findings that produced it
	GroupID  string             // the finding group, for RELATED_FINDING_GROUP
}

// entity is the principal under investigation.
type entity struct {
	arn, account string
	principals   []string        // the entity and the sessions it issued, for the explanation
	keys         map[string]bool // entityKeys values that mean the entity
}

// input is everything one investigation reads, split by window.
type input struct {
	entity               entity
	scopeStart, scopeEnd time.Time
	scoped               []Call // ordered by compareCalls, so detectors need not sort
	baseline             baseline
	trained              bool
	groups               []Group   // of the account's findings in baseline and scope
	related              []Finding // findings involving the entity in scope
	novel                novelties // values new to the entity (when trained)
	accountSeen          Profile   // which of them the account used in baseline
}

// result is one indicator with its reason and the facts its severity
// depends on.
type result struct {
	indicator       detective.Indicator
	why             Why
	succeeded       bool               // TTP or flagged IP: some call succeeded
	tactic          string             // TTP
	newForAccount   bool               // NEW_GEOLOCATION, NEW_ASO
	findingSeverity detective.Severity // RELATED_FINDING
}

// Investigate computes the indicators of inv, in a fixed order (by type as
// the model lists them, then by each type's own order), its severity and
// why. An entity with no data in scope gets no indicators and
// INFORMATIONAL.
func (e *Engine) Investigate(ctx context.Context, inv detective.Investigation) ([]detective.Indicator, detective.Severity, Explanation, error) {
	in, expl, err := e.read(ctx, inv)
	if err != nil {
		return nil, "", Explanation{}, err
	}
	results := e.detect(in)
	indicators := make([]detective.Indicator, len(results))
	expl.Indicators = make([]Why, len(results))
	for i, r := range results {
		indicators[i] = r.indicator
		expl.Indicators[i] = r.why
	}
	sev, reason := overallSeverity(results)
	expl.Severity = reason
	return indicators, sev, expl, nil
}

// detect runs every detector; each is a pure function of what was read.
func (e *Engine) detect(in *input) []result {
	var results []result
	for _, rs := range [][]result{
		detectTTPs(in, e.ttps),
		detectTravel(in, e.settings),
		detectFlagged(in, e.threats, e.settings),
		detectNovelties(in),
		detectRelatedFindings(in),
		detectRelatedGroups(in, e.settings),
	} {
		for _, r := range rs {
			r.why.Type = r.indicator.Type
			r.why.Severity = rate(r, e.settings)
			results = append(results, r)
		}
	}
	return results
}

// read gathers an investigation's evidence: the entity's sessions, its
// calls over baseline and scope, the account's oldest data, its findings
// and which of the entity's new values the account had seen.
func (e *Engine) read(ctx context.Context, inv detective.Investigation) (*input, Explanation, error) {
	ent, err := parseEntity(inv.EntityARN)
	if err != nil {
		return nil, Explanation{}, err
	}
	in := &input{scopeStart: inv.ScopeStart, scopeEnd: inv.ScopeEnd}
	baselineStart := inv.ScopeStart.Add(-e.settings.Baseline)
	expl := Explanation{ScopeStart: inv.ScopeStart, ScopeEnd: inv.ScopeEnd, BaselineStart: baselineStart}

	sessions, err := e.evidence.Sessions(ctx, inv.Graph, ent.arn, baselineStart, inv.ScopeEnd)
	if err != nil {
		return nil, Explanation{}, fmt.Errorf("sessions of %s: %w", ent.arn, err)
	}
	ent.principals = append([]string{ent.arn}, sessions...)
	for _, s := range sessions {
		for _, k := range principalKeys(s) {
			ent.keys[k] = true
		}
	}
	in.entity = ent
	expl.Principals = ent.principals

	in.baseline = newBaseline()
	err = e.evidence.Calls(ctx, inv.Graph, ent.arn, baselineStart, inv.ScopeEnd, func(c Call) {
		if c.First.Before(inv.ScopeStart) && !c.Last.Before(baselineStart) {
			in.baseline.add(c)
		}
		if overlaps(c.First, c.Last, inv.ScopeStart, inv.ScopeEnd) {
			in.scoped = append(in.scoped, c)
		}
	})
	if err != nil {
		return nil, Explanation{}, fmt.Errorf("calls of %s: %w", ent.arn, err)
	}
	slices.SortFunc(in.scoped, compareCalls)
	expl.ScopeAggregates, expl.BaselineAggregates = len(in.scoped), in.baseline.aggregates

	in.trained = e.settings.Training <= 0
	if !in.trained {
		oldest, ok, err := e.evidence.DataSince(ctx, inv.Graph, ent.account)
		if err != nil {
			return nil, Explanation{}, fmt.Errorf("oldest data of account %s: %w", ent.account, err)
		}
		in.trained = ok && !oldest.After(inv.ScopeStart.Add(-e.settings.Training))
	}
	expl.Trained = in.trained

	findings, err := e.evidence.Findings(ctx, inv.Graph, ent.account, baselineStart, inv.ScopeEnd)
	if err != nil {
		return nil, Explanation{}, fmt.Errorf("findings of account %s: %w", ent.account, err)
	}
	expl.Findings = len(findings)
	in.groups = Groups(findings, e.settings.GroupWindow)
	in.related = relatedFindings(in)

	if in.trained {
		in.novel = findNovelties(in)
		if want := in.novel.candidates(); len(want.Locations)+len(want.ASOs)+len(want.UserAgents) > 0 {
			in.accountSeen, err = e.evidence.AccountSeen(ctx, inv.Graph, ent.account, baselineStart, inv.ScopeStart, want)
			if err != nil {
				return nil, Explanation{}, fmt.Errorf("baseline of account %s: %w", ent.account, err)
			}
		}
	}
	return in, expl, nil
}

// parseEntity reads the ARN of an IAM user or role.
func parseEntity(entityARN string) (entity, error) {
	a, err := arn.Parse(entityARN)
	kind, name, _ := strings.Cut(a.Resource, "/")
	if err != nil || a.Service != "iam" || (kind != "user" && kind != "role") || name == "" {
		return entity{}, detective.Invalid("EntityArn %q is not the ARN of an IAM user or role", entityARN)
	}
	e := entity{arn: entityARN, account: a.Account, keys: map[string]bool{}}
	for _, k := range principalKeys(entityARN) {
		e.keys[k] = true
	}
	e.keys["name:"+name[strings.LastIndex(name, "/")+1:]] = true
	return e, nil
}
