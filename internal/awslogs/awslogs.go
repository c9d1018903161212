// Package awslogs reads what AWS's delivery layout in S3 says about a log
// object from its key alone: the account and region it belongs to and the
// log format it holds. CloudTrail, VPC Flow Logs and GuardDuty's findings
// export all deliver under an AWSLogs/ prefix; the CLI walks directories in
// that layout and the S3 source lists buckets in it. It imports the
// standard library only.
package awslogs

import (
	"path"
	"strings"

	"github.com/detective-local/detective-local/internal/lazyregexp"
)

// The format names, as internal/ingest/format spells them.
const (
	FormatCloudTrail = "cloudtrail"
	FormatVPCFlow    = "vpcflow"
	FormatGuardDuty  = "guardduty"
)

// Location is what a key says about its object. Empty fields are unknown.
type Location struct {
	Account string
	Region  string
	Format  string
	// NotLog is why the object is delivered beside logs but holds none
	// (e.g. a CloudTrail digest file); "" for an object to ingest.
	NotLog string
}

// services maps the service segment of the layout to the format delivered
// there, or to the reason the objects there are not logs.
var services = map[string]Location{
	"CloudTrail":         {Format: FormatCloudTrail},
	"vpcflowlogs":        {Format: FormatVPCFlow},
	"GuardDuty":          {Format: FormatGuardDuty},
	"CloudTrail-Digest":  {NotLog: "CloudTrail digest file"},
	"CloudTrail-Insight": {NotLog: "CloudTrail Insights event"},
}

// accountID and regionCode are compiled on first use, not at start.
var accountID = lazyregexp.New(`^[0-9]{12}$`)

// regionCode is an AWS region code such as us-east-1 or us-gov-west-1.
var regionCode = lazyregexp.New(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// ParseKey reads an S3 key, or a local path with the same layout below
// some directory:
//
//	…/AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/….json.gz
//	…/AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/….log.gz
//	…/AWSLogs/aws-account-id=ACCOUNT/aws-service=vpcflowlogs/aws-region=REGION/…
//	…/AWSLogs/ACCOUNT/GuardDuty/REGION/YYYY/MM/DD/….jsonl.gz
//
// A key in no known layout yields the zero Location.
func ParseKey(key string) Location {
	segs := strings.Split(path.Clean(strings.ReplaceAll(key, `\`, "/")), "/")
	for i, s := range segs {
		if s != "AWSLogs" {
			continue
		}
		rest := segs[i+1:]
		if len(rest) > 0 && strings.HasPrefix(rest[0], "o-") {
			rest = rest[1:] // an organization trail puts the organization first
		}
		if len(rest) < 3 {
			return Location{}
		}
		// Flow logs may use Hive-compatible prefixes (name=value).
		account := unhive(rest[0], "aws-account-id")
		service := unhive(rest[1], "aws-service")
		region := unhive(rest[2], "aws-region")
		loc, ok := services[service]
		if !ok || !accountID().MatchString(account) {
			return Location{}
		}
		loc.Account = account
		if regionCode().MatchString(region) {
			loc.Region = region
		}
		return loc
	}
	return Location{}
}

// unhive strips the "name=" of a Hive-style segment.
func unhive(seg, name string) string {
	v, _ := strings.CutPrefix(seg, name+"=")
	return v
}

// LogLike reports whether a file name in a walked directory looks like a
// delivered log (JSON, JSON lines, a flow-log text file, gzip of any), so
// that a walk passes over READMEs, manifests and the like.
func LogLike(name string) bool {
	name = strings.ToLower(name)
	inner, gz := strings.CutSuffix(name, ".gz")
	switch path.Ext(inner) {
	case ".json", ".jsonl", ".ndjson", ".log", ".txt":
		return true
	case "":
		// CloudWatch Logs exports are 000000.gz and the like.
		return gz && inner != ""
	}
	return false
}
