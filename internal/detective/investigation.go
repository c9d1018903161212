package detective

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/lazyregexp"
)

// InvestigationState says whether an investigation is still being reviewed.
type InvestigationState string

// InvestigationState values.
const (
	InvestigationActive   InvestigationState = "ACTIVE"
	InvestigationArchived InvestigationState = "ARCHIVED"
)

// InvestigationStatus is the progress of an investigation's analysis.
type InvestigationStatus string

// InvestigationStatus values.
const (
	InvestigationRunning    InvestigationStatus = "RUNNING"
	InvestigationFailed     InvestigationStatus = "FAILED"
	InvestigationSuccessful InvestigationStatus = "SUCCESSFUL"
)

// Severity is the severity of an investigation's findings.
type Severity string

// Severity values, in increasing order.
const (
	SeverityInformational Severity = "INFORMATIONAL"
	SeverityLow           Severity = "LOW"
	SeverityMedium        Severity = "MEDIUM"
	SeverityHigh          Severity = "HIGH"
	SeverityCritical      Severity = "CRITICAL"
)

// EntityType is the kind of principal an investigation looks at.
type EntityType string

// EntityType values.
const (
	EntityIAMRole EntityType = "IAM_ROLE"
	EntityIAMUser EntityType = "IAM_USER"
)

// Investigation is an analysis of one IAM principal over a time scope.
//
// Like a member's verification, completion is stored as its outcome:
// Status and Severity hold from CompletedTime on; before then the
// investigation is RUNNING with no severity. So no background job has to
// finish it, and every replica reports the same thing at the same time.
type Investigation struct {
	Graph         arn.ARN
	ID            string // 21 digits
	EntityARN     string
	EntityType    EntityType
	Status        InvestigationStatus
	Severity      Severity
	State         InvestigationState
	CreatedTime   time.Time
	ScopeStart    time.Time
	ScopeEnd      time.Time
	CompletedTime time.Time
}

// IndicatorType is the kind of an indicator of compromise.
type IndicatorType string

// IndicatorType values.
const (
	IndicatorTTPObserved         IndicatorType = "TTP_OBSERVED"
	IndicatorImpossibleTravel    IndicatorType = "IMPOSSIBLE_TRAVEL"
	IndicatorFlaggedIPAddress    IndicatorType = "FLAGGED_IP_ADDRESS"
	IndicatorNewGeolocation      IndicatorType = "NEW_GEOLOCATION"
	IndicatorNewASO              IndicatorType = "NEW_ASO"
	IndicatorNewUserAgent        IndicatorType = "NEW_USER_AGENT"
	IndicatorRelatedFinding      IndicatorType = "RELATED_FINDING"
	IndicatorRelatedFindingGroup IndicatorType = "RELATED_FINDING_GROUP"
)

// Indicator is one indicator of compromise found by an investigation.
// Detail holds the fields of its IndicatorDetail member by their AWS names
// (e.g. "IpAddress", "APISuccessCount"); values are strings, numbers or
// booleans.
type Indicator struct {
	Type   IndicatorType
	Detail map[string]any
}

// At returns inv as it is at time now: RUNNING, with no severity, until
// its analysis completes.
func (inv Investigation) At(now time.Time) Investigation {
	if now.Before(inv.CompletedTime) {
		inv.Status, inv.Severity = InvestigationRunning, ""
	}
	return inv
}

// entityPattern matches the ARNs of the principals Detective investigates:
// IAM users and roles. It is compiled on first use, not at start.
var entityPattern = lazyregexp.New(`^arn:aws[-a-z]*:iam::\d{12}:(user|role)/.+$`)

// tokenLifetime is how long an investigation page token may be used.
const tokenLifetime = 24 * time.Hour

// StartInvestigationInput is the input of StartInvestigation.
type StartInvestigationInput struct {
	Graph      arn.ARN
	EntityARN  string
	ScopeStart time.Time
	ScopeEnd   time.Time
}

// StartInvestigation starts investigating an IAM user or role of c's graph
// over a time scope. The investigation is stored RUNNING for
// RunInvestigations to compute; with no Investigator configured it
// completes at once with no indicators and severity INFORMATIONAL.
func (s *Service) StartInvestigation(ctx context.Context, c Caller, in StartInvestigationInput) (string, error) {
	m := entityPattern().FindStringSubmatch(in.EntityARN)
	if m == nil {
		return "", Invalid("EntityArn %q is not the ARN of an IAM user or role", in.EntityARN)
	}
	if !in.ScopeStart.Before(in.ScopeEnd) {
		return "", Invalid("ScopeStartTime must be before ScopeEndTime")
	}
	var id string
	err := s.store.Write(ctx, func(tx Tx) error {
		g, err := s.adminGraph(ctx, tx, c, in.Graph, true)
		if err != nil {
			return err
		}
		now := s.now()
		inv := Investigation{
			Graph: g.ARN, ID: s.ids.InvestigationID(now), EntityARN: in.EntityARN, EntityType: EntityIAMUser,
			Status: InvestigationRunning, State: InvestigationActive,
			CreatedTime: now, ScopeStart: in.ScopeStart.UTC().Truncate(time.Millisecond),
			ScopeEnd: in.ScopeEnd.UTC().Truncate(time.Millisecond), CompletedTime: now.Add(s.cfg.InvestigationDelay),
		}
		if m[1] == "role" {
			inv.EntityType = EntityIAMRole
		}
		if s.cfg.Investigator == nil {
			inv.Status, inv.Severity = InvestigationSuccessful, SeverityInformational
		}
		id = inv.ID
		return tx.CreateInvestigation(ctx, inv)
	})
	if err == nil && s.cfg.Investigator != nil && s.cfg.InvestigationStarted != nil {
		s.cfg.InvestigationStarted()
	}
	return id, err
}

// investigation returns one investigation of c's graph as it is now.
func (s *Service) investigation(ctx context.Context, tx Tx, c Caller, graph arn.ARN, id string) (Investigation, error) {
	g, err := s.adminGraph(ctx, tx, c, graph, false)
	if err != nil {
		return Investigation{}, err
	}
	inv, err := tx.Investigation(ctx, g.ARN, id)
	if KindOf(err) == KindNotFound {
		return Investigation{}, NotFound("The request failed because investigation %s does not exist in the behavior graph %s", id, graph)
	}
	return inv.At(s.now()), err
}

// GetInvestigation returns one investigation of c's graph.
func (s *Service) GetInvestigation(ctx context.Context, c Caller, graph arn.ARN, id string) (Investigation, error) {
	var inv Investigation
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		inv, err = s.investigation(ctx, tx, c, graph, id)
		return err
	})
	return inv, err
}

// UpdateInvestigationState archives or reactivates an investigation of c's
// graph, whatever its status; setting the current state is a no-op.
func (s *Service) UpdateInvestigationState(ctx context.Context, c Caller, graph arn.ARN, id string, state InvestigationState) error {
	return s.store.Write(ctx, func(tx Tx) error {
		if _, err := s.investigation(ctx, tx, c, graph, id); err != nil {
			return err
		}
		return tx.UpdateInvestigationState(ctx, graph, id, state)
	})
}

// InvestigationFilter selects investigations; every set criterion must
// hold. String criteria are exact, case-sensitive matches; the creation
// time range is inclusive at both ends.
type InvestigationFilter struct {
	Severity, Status, State, EntityARN string
	CreatedFrom, CreatedTo             time.Time
	HasCreatedRange                    bool
}

func (f InvestigationFilter) match(inv Investigation) bool {
	return (f.Severity == "" || f.Severity == string(inv.Severity)) &&
		(f.Status == "" || f.Status == string(inv.Status)) &&
		(f.State == "" || f.State == string(inv.State)) &&
		(f.EntityARN == "" || f.EntityARN == inv.EntityARN) &&
		(!f.HasCreatedRange || !inv.CreatedTime.Before(f.CreatedFrom) && !inv.CreatedTime.After(f.CreatedTo))
}

// scope is the filter as a page token's scope: a token is valid only for
// the filter it was issued under.
func (f InvestigationFilter) scope() string {
	created := ""
	if f.HasCreatedRange {
		created = f.CreatedFrom.UTC().Format(time.RFC3339Nano) + "/" + f.CreatedTo.UTC().Format(time.RFC3339Nano)
	}
	// Quoted, so that no field's text can pass for a field boundary.
	return fmt.Sprintf("%q,%q,%q,%q,%q", f.Severity, f.Status, f.State, f.EntityARN, created)
}

// InvestigationSort orders investigations.
type InvestigationSort struct {
	Field string // SEVERITY, STATUS or CREATED_TIME (default)
	Desc  bool
}

var (
	severityRank = map[Severity]int{SeverityInformational: 1, SeverityLow: 2, SeverityMedium: 3, SeverityHigh: 4, SeverityCritical: 5}
	statusRank   = map[InvestigationStatus]int{InvestigationRunning: 1, InvestigationSuccessful: 2, InvestigationFailed: 3}
)

// scope is the order as a page token's scope, like InvestigationFilter's.
func (o InvestigationSort) scope() string {
	return strconv.Quote(o.Field) + "," + strconv.FormatBool(o.Desc)
}

func (o InvestigationSort) compare(a, b Investigation) int {
	var c int
	switch o.Field {
	case "SEVERITY":
		c = cmp.Compare(severityRank[a.Severity], severityRank[b.Severity])
	case "STATUS":
		c = cmp.Compare(statusRank[a.Status], statusRank[b.Status])
	}
	if c == 0 {
		c = a.CreatedTime.Compare(b.CreatedTime)
	}
	if c == 0 {
		c = strings.Compare(a.ID, b.ID)
	}
	if o.Desc {
		return -c
	}
	return c
}

// ListInvestigationsInput is the input of ListInvestigations.
type ListInvestigationsInput struct {
	Graph      arn.ARN
	Filter     InvestigationFilter
	Sort       InvestigationSort
	NextToken  string
	MaxResults int
}

// ListInvestigationsOutput is the output of ListInvestigations.
type ListInvestigationsOutput struct {
	Investigations []Investigation
	NextToken      string
}

// ListInvestigations pages through the investigations of c's graph, active
// and archived, filtered and sorted (by default newest first).
func (s *Service) ListInvestigations(ctx context.Context, c Caller, in ListInvestigationsInput) (ListInvestigationsOutput, error) {
	const op = "ListInvestigations"
	scope := strings.Join([]string{in.Graph.String(), in.Filter.scope(), in.Sort.scope()}, "|")
	now := s.now()
	offset, err := decodeOffsetToken(in.NextToken, op, scope, now)
	if err != nil {
		return ListInvestigationsOutput{}, err
	}
	var all []Investigation
	err = s.store.Read(ctx, func(tx Tx) error {
		g, err := s.adminGraph(ctx, tx, c, in.Graph, false)
		if err != nil {
			return err
		}
		all, err = tx.ListInvestigations(ctx, g.ARN)
		return err
	})
	if err != nil {
		return ListInvestigationsOutput{}, err
	}
	matched := make([]Investigation, 0, len(all))
	for _, inv := range all {
		if inv = inv.At(now); in.Filter.match(inv) {
			matched = append(matched, inv)
		}
	}
	slices.SortFunc(matched, in.Sort.compare)
	page, next := offsetPage(matched, offset, pageSize(in.MaxResults))
	out := ListInvestigationsOutput{Investigations: page}
	if next > 0 {
		out.NextToken = encodeOffsetToken(op, scope, next, now)
	}
	return out, nil
}

// ListIndicatorsInput is the input of ListIndicators.
type ListIndicatorsInput struct {
	Graph         arn.ARN
	Investigation string
	Type          IndicatorType // "" for every type
	NextToken     string
	MaxResults    int
}

// ListIndicatorsOutput is the output of ListIndicators.
type ListIndicatorsOutput struct {
	Indicators []Indicator
	NextToken  string
}

// ListIndicators pages through the indicators computed for an
// investigation; a RUNNING investigation has none yet.
func (s *Service) ListIndicators(ctx context.Context, c Caller, in ListIndicatorsInput) (ListIndicatorsOutput, error) {
	const op = "ListIndicators"
	scope := in.Graph.String() + "|" + in.Investigation + "|" + string(in.Type)
	now := s.now()
	offset, err := decodeOffsetToken(in.NextToken, op, scope, now)
	if err != nil {
		return ListIndicatorsOutput{}, err
	}
	var inds []Indicator
	err = s.store.Read(ctx, func(tx Tx) error {
		inv, err := s.investigation(ctx, tx, c, in.Graph, in.Investigation)
		if err != nil || inv.Status != InvestigationSuccessful {
			return err
		}
		inds, err = tx.Indicators(ctx, inv.Graph, inv.ID)
		return err
	})
	if err != nil {
		return ListIndicatorsOutput{}, err
	}
	if in.Type != "" {
		inds = slices.DeleteFunc(inds, func(i Indicator) bool { return i.Type != in.Type })
	}
	page, next := offsetPage(inds, offset, pageSize(in.MaxResults))
	out := ListIndicatorsOutput{Indicators: page}
	if next > 0 {
		out.NextToken = encodeOffsetToken(op, scope, next, now)
	}
	return out, nil
}

// offsetPage returns the page of xs at offset and the offset of the next
// page (0 on the last page).
func offsetPage[T any](xs []T, offset, limit int) ([]T, int) {
	if offset >= len(xs) {
		return []T{}, 0
	}
	xs = xs[offset:]
	if len(xs) > limit {
		return xs[:limit], offset + limit
	}
	return xs, 0
}

// Investigation page tokens are offsets into a sorted, filtered list,
// bound to the arguments and stamped with their issue time: AWS documents
// that they expire after 24 hours.
func encodeOffsetToken(op, scope string, offset int, now time.Time) string {
	return encodeToken(op, digest(scope), strconv.Itoa(offset)+"@"+strconv.FormatInt(now.UnixMilli(), 10))
}

func decodeOffsetToken(tok, op, scope string, now time.Time) (int, error) {
	pos, err := decodeToken(tok, op, digest(scope))
	if err != nil || pos == "" {
		return 0, err
	}
	off, issued, ok := strings.Cut(pos, "@")
	offset, err1 := strconv.Atoi(off)
	ms, err2 := strconv.ParseInt(issued, 10, 64)
	if !ok || err1 != nil || err2 != nil || offset < 0 {
		return 0, Invalid("NextToken is not a valid pagination token")
	}
	if now.Sub(time.UnixMilli(ms)) > tokenLifetime {
		return 0, Invalid("NextToken has expired: pagination tokens expire after 24 hours")
	}
	return offset, nil
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
