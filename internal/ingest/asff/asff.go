// Package asff decodes AWS Security Finding Format findings, as Security
// Hub holds them, into behavior Records of the ASFF_SECURITYHUB_FINDING
// package: {"Findings":[…]} as GetFindings returns it, bare arrays, JSON
// lines, and EventBridge "Security Hub Findings - Imported" events whose
// detail holds a findings array.
//
// Imports: stdlib, internal/behavior, internal/detective and
// internal/ingest/stream (with the JSON parser stream uses) only.
package asff

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	fastjson "github.com/segmentio/encoding/json"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest/stream"
)

// envelopeKey is GetFindings' member holding the findings.
const envelopeKey = "Findings"

// Decode reads the ASFF findings in r and hands each to sink.
func Decode(ctx context.Context, r io.Reader, opts stream.Options, sink stream.Sink) error {
	br := stream.NewReader(r)
	layout := stream.Sniff(br, envelopeKey)
	return stream.JSON(ctx, br, layout, envelopeKey, opts, sink, func(pos stream.Position, size int64, it *item) error {
		if it.Detail == nil {
			rec, err := it.finding.record(opts, size)
			return emit(sink, pos, rec, err)
		}
		if it.DetailType != "" && it.DetailType != "Security Hub Findings - Imported" {
			sink.Malformed(pos, fmt.Errorf("EventBridge event %q is not a Security Hub finding import", it.DetailType))
			return nil
		}
		eventOpts := opts
		eventOpts.Account = cmp.Or(it.Account, opts.Account)
		for _, raw := range it.Detail.Findings {
			var f finding
			if err := fastjson.Unmarshal(raw, &f); err != nil {
				sink.Malformed(pos, fmt.Errorf("event %s: %w", it.ID, err))
				continue
			}
			rec, err := f.record(eventOpts, int64(len(raw)))
			if err := emit(sink, pos, rec, err); err != nil {
				return err
			}
		}
		return nil
	})
}

func emit(sink stream.Sink, pos stream.Position, rec behavior.Record, err error) error {
	if err != nil {
		sink.Malformed(pos, err)
		return nil
	}
	return sink.Record(rec)
}

// item is one element of the input: an ASFF finding, or an EventBridge
// event carrying several.
type item struct {
	finding
	DetailType string `json:"detail-type"`
	Account    string `json:"account"`
	Detail     *struct {
		Findings []json.RawMessage `json:"findings"`
	} `json:"detail"`
}

// finding is an ASFF finding (securityhub 2018-10-26 AwsSecurityFinding),
// reduced to what places it and names its entities. Resources stays raw
// until the element is known to be a finding: an EventBridge envelope's
// "resources" is an array of ARNs, which no resource struct decodes.
type finding struct {
	SchemaVersion   string          `json:"SchemaVersion"`
	ID              string          `json:"Id"`
	ProductARN      string          `json:"ProductArn"`
	AwsAccountID    string          `json:"AwsAccountId"`
	Region          string          `json:"Region"`
	Types           []string        `json:"Types"`
	Title           string          `json:"Title"`
	FirstObservedAt string          `json:"FirstObservedAt"`
	LastObservedAt  string          `json:"LastObservedAt"`
	CreatedAt       string          `json:"CreatedAt"`
	UpdatedAt       string          `json:"UpdatedAt"`
	Severity        severity        `json:"Severity"`
	Resources       json.RawMessage `json:"Resources"`
	Network         struct {
		SourceIPV4 string `json:"SourceIpV4"`
		SourceIPV6 string `json:"SourceIpV6"`
	} `json:"Network"`
	Action struct {
		AwsAPICallAction struct {
			RemoteIPDetails remoteIP `json:"RemoteIpDetails"`
		} `json:"AwsApiCallAction"`
		NetworkConnectionAction struct {
			RemoteIPDetails remoteIP `json:"RemoteIpDetails"`
		} `json:"NetworkConnectionAction"`
		PortProbeAction struct {
			PortProbeDetails []struct {
				RemoteIPDetails remoteIP `json:"RemoteIpDetails"`
			} `json:"PortProbeDetails"`
		} `json:"PortProbeAction"`
	} `json:"Action"`
}

type severity struct {
	Label      string   `json:"Label"`
	Normalized *float64 `json:"Normalized"`
}

type remoteIP struct {
	IPAddressV4 string `json:"IpAddressV4"`
}

type resource struct {
	Type    string `json:"Type"`
	ID      string `json:"Id"`
	Region  string `json:"Region"`
	Details struct {
		AwsIamAccessKey struct {
			PrincipalID   string `json:"PrincipalId"`
			PrincipalName string `json:"PrincipalName"`
			PrincipalType string `json:"PrincipalType"`
			UserName      string `json:"UserName"`
		} `json:"AwsIamAccessKey"`
		AwsIamUser struct {
			UserName string `json:"UserName"`
		} `json:"AwsIamUser"`
		AwsEksCluster struct {
			Name string `json:"Name"`
		} `json:"AwsEksCluster"`
	} `json:"Details"`
}

// record maps f to a Record; size is its raw length in the file.
func (f *finding) record(opts stream.Options, size int64) (behavior.Record, error) {
	if f.ID == "" {
		return behavior.Record{}, fmt.Errorf("finding has no Id")
	}
	updated, err := time.Parse(time.RFC3339, f.UpdatedAt)
	if err != nil {
		return behavior.Record{}, fmt.Errorf("finding %s: UpdatedAt: %w", f.ID, err)
	}
	var resources []resource
	if len(f.Resources) > 0 {
		if err := fastjson.Unmarshal(f.Resources, &resources); err != nil {
			return behavior.Record{}, fmt.Errorf("finding %s: Resources: %w", f.ID, err)
		}
	}
	out := &behavior.Finding{
		Source:    behavior.SourceSecurityHub,
		ID:        f.ID,
		ARN:       f.ID, // an ASFF Id is the finding's ARN for AWS products
		Title:     f.Title,
		Severity:  f.Severity.label(),
		CreatedAt: optionalTime(f.CreatedAt),
		UpdatedAt: updated.UTC(),
		FirstSeen: optionalTime(f.FirstObservedAt),
		LastSeen:  optionalTime(f.LastObservedAt),
	}
	if len(f.Types) > 0 {
		out.Type = f.Types[0]
	}
	if f.Severity.Normalized != nil {
		out.SeverityScore = *f.Severity.Normalized
	}
	region := f.Region
	for _, r := range resources {
		r.entities(out)
		region = cmp.Or(region, r.Region)
	}
	a := &f.Action
	ips := []string{f.Network.SourceIPV4, f.Network.SourceIPV6, a.AwsAPICallAction.RemoteIPDetails.IPAddressV4, a.NetworkConnectionAction.RemoteIPDetails.IPAddressV4}
	for _, p := range a.PortProbeAction.PortProbeDetails {
		ips = append(ips, p.RemoteIPDetails.IPAddressV4)
	}
	for _, ip := range ips {
		out.RemoteIPs = appendNew(out.RemoteIPs, ip)
	}
	return behavior.Record{
		Kind:    behavior.KindFinding,
		Account: detective.AccountID(cmp.Or(f.AwsAccountID, opts.Account)),
		Region:  cmp.Or(region, opts.Region),
		Package: detective.PackageASFFSecurityHubFinding,
		Time:    updated.UTC(),
		Size:    size,
		Key:     f.ID + "@" + f.UpdatedAt,
		Finding: out,
	}, nil
}

// accessKeyPrefix starts the Id Security Hub gives access key resources
// ("AWS::IAM::AccessKey:ASIA…"), which have no ARN.
const accessKeyPrefix = "AWS::IAM::AccessKey:"

// entities adds what the resource names to out.
func (r *resource) entities(out *behavior.Finding) {
	switch r.Type {
	case "AwsIamAccessKey":
		key := &r.Details.AwsIamAccessKey
		if id, ok := strings.CutPrefix(r.ID, accessKeyPrefix); ok {
			out.AccessKeyIDs = appendNew(out.AccessKeyIDs, strings.TrimSpace(id))
		}
		out.UserNames = appendNew(out.UserNames, cmp.Or(key.PrincipalName, key.UserName))
	case "AwsIamUser":
		out.PrincipalARNs = appendNew(out.PrincipalARNs, arnOnly(r.ID))
		out.UserNames = appendNew(out.UserNames, r.Details.AwsIamUser.UserName)
	case "AwsIamRole":
		out.PrincipalARNs = appendNew(out.PrincipalARNs, arnOnly(r.ID))
	case "AwsEc2Instance":
		out.InstanceIDs = appendNew(out.InstanceIDs, lastPart(r.ID, "instance/"))
	case "AwsS3Bucket":
		out.Buckets = appendNew(out.Buckets, lastPart(r.ID, ":::"))
	case "AwsEksCluster":
		out.Clusters = appendNew(out.Clusters, cmp.Or(r.Details.AwsEksCluster.Name, lastPart(r.ID, "cluster/")))
	}
}

// lastPart returns what follows sep in an ARN, or id itself when it is
// not an ARN (some products give the bare instance ID or bucket name).
func lastPart(id, sep string) string {
	if !strings.HasPrefix(id, "arn:") {
		return id
	}
	if _, after, ok := strings.Cut(id, sep); ok {
		return after
	}
	return ""
}

func arnOnly(id string) string {
	if strings.HasPrefix(id, "arn:") {
		return id
	}
	return ""
}

// label is the finding's severity label; without one, it is derived
// from Normalized.
func (s severity) label() string {
	if s.Label != "" {
		return s.Label
	}
	if s.Normalized == nil {
		return ""
	}
	return behavior.SeverityLabel(*s.Normalized)
}

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
