package detective

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
