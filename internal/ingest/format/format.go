// Package format names the log formats the ingest pipeline reads.
package format

// Format names a log format.
type Format string

// The formats.
const (
	CloudTrail Format = "cloudtrail"
	VPCFlow    Format = "vpcflow"
	GuardDuty  Format = "guardduty"
	ASFF       Format = "asff"
	EKSAudit   Format = "eks-audit"
)

// Formats lists every format, in the order messages list them.
func Formats() []Format { return []Format{CloudTrail, VPCFlow, GuardDuty, ASFF, EKSAudit} }
