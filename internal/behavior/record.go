// Package behavior is the behavior graph's own domain: the records that
// log decoders produce, the per-entity aggregates kept from them, and the
// store interface that holds those aggregates. It knows nothing of HTTP,
// SQL or any log format; decoders (internal/ingest/<format>) produce its
// Records, and the ingest pipeline routes and stores them.
//
// The rules that decide what a record becomes live here: Route (which
// graphs take it), Principals (which entities it counts under), PublicIP
// (which addresses are enriched), and Batch (how records collapse into
// hourly aggregates).
//
// Imports: stdlib, internal/arn and internal/detective (for AccountID,
// the member states and the package enum) only.
package behavior

import (
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

// Kind says which of a Record's payloads is set.
type Kind uint8

// The record kinds, one per family of source.
const (
	KindAPICall Kind = iota + 1 // CloudTrail management event
	KindFlow                    // VPC flow log record
	KindFinding                 // GuardDuty or Security Hub (ASFF) finding
	KindK8s                     // EKS (Kubernetes) audit event
)

// Record is one decoded log record: where it belongs (account, region,
// datasource package), when it happened, how many raw bytes it had (what
// volume is metered in), and a key that is the same every time the same
// record is read again (CloudTrail eventID, else a content hash), so that
// re-ingest adds nothing. Exactly one payload matches Kind.
type Record struct {
	Kind    Kind
	Account detective.AccountID // "" when the format does not carry it (taken from the ingest call)
	Region  string              // "" likewise
	Package detective.DatasourcePackage
	Time    time.Time // event time (UTC)
	Size    int64     // raw bytes of the record as read
	Key     string    // stable idempotency key

	API     *APICall
	Flow    *Flow
	Finding *Finding
	K8s     *K8sEvent
}

// PrincipalType is CloudTrail's userIdentity.type.
type PrincipalType string

// The userIdentity.type values that shape routing to entities.
const (
	PrincipalIAMUser        PrincipalType = "IAMUser"
	PrincipalAssumedRole    PrincipalType = "AssumedRole"
	PrincipalFederatedUser  PrincipalType = "FederatedUser"
	PrincipalRoot           PrincipalType = "Root"
	PrincipalAWSService     PrincipalType = "AWSService"
	PrincipalAWSAccount     PrincipalType = "AWSAccount"
	PrincipalIdentityCenter PrincipalType = "IdentityCenterUser"
)

// APICall is a CloudTrail event, reduced to what the behavior graph keeps.
type APICall struct {
	EventID     string
	EventSource string // e.g. "iam.amazonaws.com"
	EventName   string // e.g. "CreateAccessKey"
	EventType   string // "AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent", …
	// Management is false for data events (eventCategory "Data" or
	// managementEvent false), which Detective does not ingest.
	Management bool
	ReadOnly   *bool // nil when the record does not say

	PrincipalType PrincipalType
	PrincipalARN  string // userIdentity.arn (for AssumedRole the session ARN)
	PrincipalID   string // userIdentity.principalId
	AccessKeyID   string
	UserName      string // userIdentity.userName (IAM user, root alias)
	// IssuerARN is sessionContext.sessionIssuer.arn: the role of an
	// assumed-role session, the IAM user of a federated user.
	IssuerARN  string
	IssuerType string // sessionIssuer.type: "Role", "IAMUser", …
	InvokedBy  string // userIdentity.invokedBy (AWS service principals)
	MFAUsed    *bool  // sessionContext.attributes.mfaAuthenticated, or additionalEventData.MFAUsed for sign-ins

	// SourceIP is sourceIPAddress verbatim; for calls made by AWS services
	// it is a DNS name (e.g. "ec2.amazonaws.com") and must never be
	// geolocated.
	SourceIP  string
	UserAgent string
	ErrorCode string // "" on success

	// RequestParameters and ResponseElements are kept raw (JSON) for the
	// conditions of the TTP mapping; nil when absent or null.
	RequestParameters []byte
	ResponseElements  []byte
	// Resources are the ARNs of resources[] in the event.
	Resources []string
}

// Flow is one VPC flow log record. Fields absent from the log's format
// are zero.
type Flow struct {
	Version       int
	InterfaceID   string
	SrcAddr       string
	DstAddr       string
	SrcPort       int
	DstPort       int
	Protocol      int
	Packets       int64
	Bytes         int64
	Start         time.Time
	End           time.Time
	Action        string // ACCEPT or REJECT
	LogStatus     string // OK, NODATA, SKIPDATA
	VpcID         string
	SubnetID      string
	InstanceID    string
	TCPFlags      int
	Type          string // IPv4, IPv6, EFA
	PktSrcAddr    string
	PktDstAddr    string
	FlowDirection string // ingress or egress (v5+)
	// PktSrcAWSService and PktDstAWSService name the AWS service (e.g.
	// "S3", "ROUTE53_RESOLVER") whose IP range the packet address is in
	// (v5+): such addresses are AWS's, never to be geolocated.
	PktSrcAWSService string
	PktDstAWSService string
	AZID             string // v4+
	TrafficPath      int    // v5+: how egress traffic left the VPC (1 through 8)
	RejectReason     string // v8: e.g. BPA (blocked by VPC Block Public Access)
}

// FindingSource names the service that produced a finding.
type FindingSource string

// The finding sources.
const (
	SourceGuardDuty   FindingSource = "guardduty"
	SourceSecurityHub FindingSource = "securityhub"
)

// Finding is a GuardDuty or Security Hub finding with the entities it
// involves.
type Finding struct {
	Source FindingSource
	ID     string
	ARN    string
	Type   string // GuardDuty type, or the first ASFF Types entry
	Title  string
	// Severity is the label on the ASFF scale: INFORMATIONAL, LOW,
	// MEDIUM, HIGH, CRITICAL (GuardDuty's numeric severity mapped as
	// 1–3.9 LOW, 4–6.9 MEDIUM, 7–8.9 HIGH, 9–10 CRITICAL).
	Severity string
	// SeverityScore is the source's number: GuardDuty 1–10, ASFF
	// Normalized 0–100.
	SeverityScore float64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	FirstSeen     time.Time // the activity window; zero when unknown
	LastSeen      time.Time

	// Entities the finding involves.
	AccessKeyIDs  []string
	PrincipalARNs []string // users, roles and role sessions (ARNs)
	UserNames     []string
	RemoteIPs     []string // remote IP of its action(s)
	InstanceIDs   []string
	Buckets       []string
	Clusters      []string
}

// K8sEvent is one Kubernetes audit event (audit.k8s.io/v1 Event).
type K8sEvent struct {
	AuditID      string
	Stage        string
	Verb         string
	RequestURI   string
	Username     string
	Groups       []string
	SourceIPs    []string
	UserAgent    string
	Resource     string
	Subresource  string
	Namespace    string
	Name         string
	ResponseCode int
	Cluster      string // from the log group name when known
	// Images are the container images of a pod created by the event.
	Images []string
	// PrincipalARN and AccessKeyID are the IAM identity EKS mapped the
	// Kubernetes user from (user.extra canonicalArn or arn, and
	// accessKeyId): what links a Kubernetes subject to an AWS role or user.
	PrincipalARN string
	AccessKeyID  string
}
