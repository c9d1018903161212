package detective

import (
	"context"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
)

// IngestState is the state of a datasource package in a graph or for a
// member account.
type IngestState string

// IngestState values.
const (
	IngestStarted  IngestState = "STARTED"
	IngestStopped  IngestState = "STOPPED"
	IngestDisabled IngestState = "DISABLED"
)

// PackageState is one datasource package's state in a graph or for one
// member: the current state and when each state was last entered (zero:
// never), and for members the daily volume as last measured.
type PackageState struct {
	Package  DatasourcePackage
	State    IngestState
	Started  time.Time
	Stopped  time.Time
	Disabled time.Time
	// VolumeBytes and VolumeTime are the member's daily volume in this
	// package and when it was measured; unused for graph rows.
	VolumeBytes int64
	VolumeTime  time.Time
}

// MemberPackages are the package states of one member account.
type MemberPackages struct {
	Account  AccountID
	Packages []PackageState
}

// DatasourceStore holds datasource package states.
type DatasourceStore interface {
	// GraphPackages returns the package states of graph in package order;
	// empty if none were stored.
	GraphPackages(ctx context.Context, graph arn.ARN) ([]PackageState, error)
	// PutGraphPackages inserts or replaces package states of graph.
	PutGraphPackages(ctx context.Context, graph arn.ARN, ps []PackageState) error
	// MemberPackages returns the package states of the given member
	// accounts of graph, in the order given; accounts that are not
	// members or have none are omitted, and an account asked for twice is
	// returned once. Each account's packages are in package order. The
	// member reads (Members, ListMembers, ListMemberships) return the same
	// states as Member.Packages.
	MemberPackages(ctx context.Context, graph arn.ARN, accounts []AccountID) ([]MemberPackages, error)
	// PutMemberPackages inserts or replaces package states of members:
	// each state replaces the stored one of its package, and packages not
	// given keep theirs. The states live with the member, so an account
	// that is not a member of graph is skipped (not an error); PutMembers
	// keeps them, and DeleteMembers and DeleteGraph remove them.
	PutMemberPackages(ctx context.Context, graph arn.ARN, ms []MemberPackages) error
	// GraphsWithMemberStatus returns, in ARN order, the graphs that have at
	// least one member whose stored Status is status.
	GraphsWithMemberStatus(ctx context.Context, status MemberStatus) ([]arn.ARN, error)
}

// InvestigationStore holds investigations and their indicators.
type InvestigationStore interface {
	// CreateInvestigation inserts inv. KindConflict if its ID exists in
	// its graph.
	CreateInvestigation(ctx context.Context, inv Investigation) error
	// Investigation returns one investigation, or KindNotFound.
	Investigation(ctx context.Context, graph arn.ARN, id string) (Investigation, error)
	// UpdateInvestigationState sets the State of an existing investigation.
	// KindNotFound if absent.
	UpdateInvestigationState(ctx context.Context, graph arn.ARN, id string, state InvestigationState) error
	// ListInvestigations returns every investigation of graph ordered by
	// CreatedTime, then ID. Filtering and sorting are the Service's.
	ListInvestigations(ctx context.Context, graph arn.ARN) ([]Investigation, error)
	// Indicators returns the indicators computed for an investigation, in
	// the order they were computed.
	Indicators(ctx context.Context, graph arn.ARN, id string) ([]Indicator, error)
	// PutIndicators replaces the indicators of an investigation.
	PutIndicators(ctx context.Context, graph arn.ARN, id string, inds []Indicator) error
}

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
