package detective

import (
	"slices"
	"strings"
	"time"
)

// DatasourcePackage is a group of data sources a behavior graph ingests.
type DatasourcePackage string

// The datasource packages of the model's DatasourcePackage enum.
const (
	PackageDetectiveCore          DatasourcePackage = "DETECTIVE_CORE"
	PackageEKSAudit               DatasourcePackage = "EKS_AUDIT"
	PackageASFFSecurityHubFinding DatasourcePackage = "ASFF_SECURITYHUB_FINDING"
)

// DatasourcePackages lists every package in a stable order.
func DatasourcePackages() []DatasourcePackage {
	return []DatasourcePackage{PackageDetectiveCore, PackageEKSAudit, PackageASFFSecurityHubFinding}
}

// SortPackages puts ps in the order of DatasourcePackages, the order the
// API lists packages in (not the alphabetical order SQL would give); a
// package not in that list goes last, by name.
func SortPackages(ps []PackageState) {
	order := DatasourcePackages()
	rank := func(p DatasourcePackage) int {
		if i := slices.Index(order, p); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(ps, func(a, b PackageState) int {
		if c := rank(a.Package) - rank(b.Package); c != 0 {
			return c
		}
		return strings.Compare(string(a.Package), string(b.Package))
	})
}

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
