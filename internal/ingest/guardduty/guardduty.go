// Package guardduty decodes Amazon GuardDuty findings into behavior
// Records of the DETECTIVE_CORE package: findings as GetFindings returns
// them ({"Findings":[…]}, a bare array, or one finding), EventBridge
// events ("detail-type": "GuardDuty Finding") whose detail is a finding,
// and GuardDuty's S3 export (JSON lines, one finding per line).
//
// The findings are read into wire structs of this package that carry
// exactly AWS's member names, not into the aws-sdk-go-v2 guardduty
// types: those have no JSON tags and model timestamps and enums for the
// SDK's own deserializers, so they cannot decode the wire JSON.
// Matching is case-insensitive, so the API's camel case and the CLI's
// Pascal case both decode.
//
// Imports: stdlib, internal/behavior, internal/detective and
// internal/ingest/stream only.
package guardduty

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest/stream"
)

// envelopeKey is GetFindings' member holding the findings.
const envelopeKey = "Findings"

// Decode reads the GuardDuty findings in r and hands each to sink.
func Decode(ctx context.Context, r io.Reader, opts stream.Options, sink stream.Sink) error {
	br := stream.NewReader(r)
	layout := stream.Sniff(br, envelopeKey)
	return stream.JSON(ctx, br, layout, envelopeKey, opts, sink, func(pos stream.Position, size int64, f *finding) error {
		rec, err := f.record(opts, size)
		if err != nil {
			sink.Malformed(pos, err)
			return nil
		}
		return sink.Record(rec)
	})
}

// finding is a GuardDuty Finding (guardduty 2017-11-28), reduced to the
// members that place it and name its entities; or an EventBridge event
// whose detail is one.
type finding struct {
	SchemaVersion string   `json:"schemaVersion"`
	AccountID     string   `json:"accountId"`
	Region        string   `json:"region"`
	Partition     string   `json:"partition"`
	ID            string   `json:"id"`
	ARN           string   `json:"arn"`
	Type          string   `json:"type"`
	Title         string   `json:"title"`
	Severity      float64  `json:"severity"`
	CreatedAt     string   `json:"createdAt"`
	UpdatedAt     string   `json:"updatedAt"`
	Resource      resource `json:"resource"`
	Service       service  `json:"service"`

	// EventBridge's envelope.
	DetailType string   `json:"detail-type"`
	Detail     *finding `json:"detail"`
	Account    string   `json:"account"`
}

type resource struct {
	ResourceType     string `json:"resourceType"`
	AccessKeyDetails struct {
		AccessKeyID string `json:"accessKeyId"`
		PrincipalID string `json:"principalId"`
		UserName    string `json:"userName"`
		UserType    string `json:"userType"`
	} `json:"accessKeyDetails"`
	InstanceDetails struct {
		InstanceID string `json:"instanceId"`
	} `json:"instanceDetails"`
	S3BucketDetails []struct {
		Name string `json:"name"`
	} `json:"s3BucketDetails"`
	EksClusterDetails struct {
		Name string `json:"name"`
	} `json:"eksClusterDetails"`
}

type remoteIP struct {
	IPAddressV4 string `json:"ipAddressV4"`
	IPAddressV6 string `json:"ipAddressV6"`
}

type service struct {
	Action struct {
		AwsAPICallAction struct {
			RemoteIPDetails remoteIP `json:"remoteIpDetails"`
		} `json:"awsApiCallAction"`
		NetworkConnectionAction struct {
			RemoteIPDetails remoteIP `json:"remoteIpDetails"`
		} `json:"networkConnectionAction"`
		PortProbeAction struct {
			PortProbeDetails []struct {
				RemoteIPDetails remoteIP `json:"remoteIpDetails"`
			} `json:"portProbeDetails"`
		} `json:"portProbeAction"`
		KubernetesAPICallAction struct {
			RemoteIPDetails remoteIP `json:"remoteIpDetails"`
		} `json:"kubernetesApiCallAction"`
		RdsLoginAttemptAction struct {
			RemoteIPDetails remoteIP `json:"remoteIpDetails"`
		} `json:"rdsLoginAttemptAction"`
	} `json:"action"`
	EventFirstSeen string `json:"eventFirstSeen"`
	EventLastSeen  string `json:"eventLastSeen"`
}

// record maps f to a Record; size is its raw length in the file.
func (f *finding) record(opts stream.Options, size int64) (behavior.Record, error) {
	account := opts.Account
	if f.Detail != nil {
		if f.DetailType != "" && f.DetailType != "GuardDuty Finding" {
			return behavior.Record{}, fmt.Errorf("EventBridge event %q is not a GuardDuty finding", f.DetailType)
		}
		account = cmp.Or(f.Account, account)
		f = f.Detail
	}
	if f.ID == "" {
		return behavior.Record{}, fmt.Errorf("finding has no id")
	}
	updated, err := time.Parse(time.RFC3339, f.UpdatedAt)
	if err != nil {
		return behavior.Record{}, fmt.Errorf("finding %s: updatedAt: %w", f.ID, err)
	}
	account = cmp.Or(f.AccountID, account)
	out := &behavior.Finding{
		Source:        behavior.SourceGuardDuty,
		ID:            f.ID,
		ARN:           f.ARN,
		Type:          f.Type,
		Title:         f.Title,
		Severity:      severityLabel(f.Severity),
		SeverityScore: f.Severity,
		CreatedAt:     optionalTime(f.CreatedAt),
		UpdatedAt:     updated.UTC(),
		FirstSeen:     optionalTime(f.Service.EventFirstSeen),
		LastSeen:      optionalTime(f.Service.EventLastSeen),
	}
	f.entities(out, account)
	return behavior.Record{
		Kind:    behavior.KindFinding,
		Account: detective.AccountID(account),
		Region:  cmp.Or(f.Region, opts.Region),
		Package: detective.PackageDetectiveCore,
		Time:    updated.UTC(),
		Size:    size,
		Key:     f.ID + "@" + f.UpdatedAt,
		Finding: out,
	}, nil
}

// entities fills out's entity lists from the finding's resource and
// action.
func (f *finding) entities(out *behavior.Finding, account string) {
	key := &f.Resource.AccessKeyDetails
	out.AccessKeyIDs = appendNew(out.AccessKeyIDs, key.AccessKeyID)
	out.UserNames = appendNew(out.UserNames, key.UserName)
	out.PrincipalARNs = appendNew(out.PrincipalARNs, principalARN(cmp.Or(f.Partition, "aws"), account, key.UserType, key.UserName))
	out.InstanceIDs = appendNew(out.InstanceIDs, f.Resource.InstanceDetails.InstanceID)
	for _, b := range f.Resource.S3BucketDetails {
		out.Buckets = appendNew(out.Buckets, b.Name)
	}
	out.Clusters = appendNew(out.Clusters, f.Resource.EksClusterDetails.Name)

	a := &f.Service.Action
	ips := []remoteIP{
		a.AwsAPICallAction.RemoteIPDetails,
		a.NetworkConnectionAction.RemoteIPDetails,
		a.KubernetesAPICallAction.RemoteIPDetails,
		a.RdsLoginAttemptAction.RemoteIPDetails,
	}
	for _, p := range a.PortProbeAction.PortProbeDetails {
		ips = append(ips, p.RemoteIPDetails)
	}
	for _, ip := range ips {
		out.RemoteIPs = appendNew(out.RemoteIPs, ip.IPAddressV4)
		out.RemoteIPs = appendNew(out.RemoteIPs, ip.IPAddressV6)
	}
}

// principalARN names the IAM principal of a finding's access key.
// GuardDuty gives the user or role name, not its path, so the ARN is
// built without one: right for the usual path "/", and the name still
// matches for investigations keyed by name.
func principalARN(partition, account, userType, name string) string {
	if account == "" {
		return ""
	}
	switch userType {
	case "Root":
		return "arn:" + partition + ":iam::" + account + ":root"
	case "IAMUser":
		if name != "" {
			return "arn:" + partition + ":iam::" + account + ":user/" + name
		}
	case "AssumedRole", "Role":
		if name != "" {
			return "arn:" + partition + ":iam::" + account + ":role/" + name
		}
	}
	return ""
}

// severityLabel is the ASFF label of GuardDuty's 0–10 severity, which
// is the ASFF normalized scale divided by ten.
func severityLabel(s float64) string {
	return behavior.SeverityLabel(s * 10)
}

// optionalTime parses an RFC 3339 time, zero when absent or unreadable:
// the activity window is a hint, not what places the finding.
func optionalTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func appendNew(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
