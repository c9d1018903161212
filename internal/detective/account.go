package detective

import (
	"slices"
	"strings"
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

// Account is what is known about an AWS account outside Detective: facts
// that Detective consults but does not own. An account the store knows
// nothing about is treated as the zero facts with GuardDuty enrolled.
type Account struct {
	ID        AccountID
	RootEmail string // "" when unknown: any e-mail then verifies
	// GuardDutyDisabled is set when the account is not enrolled in
	// GuardDuty, so Detective cannot verify its data volume
	// (ACCEPTED_BUT_DISABLED with VOLUME_UNKNOWN).
	GuardDutyDisabled bool
	// Volume is the account's daily data volume in bytes, per datasource
	// package; absent packages produce nothing.
	Volume map[DatasourcePackage]int64
}
