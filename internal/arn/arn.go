// Package arn parses and formats the Amazon Resource Names that Detective
// uses: behavior-graph ARNs and the ARNs of the entities it investigates.
// It imports the standard library only.
package arn

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ARN is a parsed Amazon Resource Name. The zero value is not a valid ARN.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string // everything after the account, e.g. "graph:0123…"
}

// ErrMalformed is returned (wrapped) for text that is not an ARN.
var ErrMalformed = errors.New("malformed arn")

// Parse splits s into its six colon-separated parts. It checks only the
// general ARN syntax; ParseGraph checks the behavior-graph form.
func Parse(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return ARN{}, fmt.Errorf("%w: %q", ErrMalformed, s)
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

// String formats a as arn:partition:service:region:account:resource.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// IsZero reports whether a is the zero ARN.
func (a ARN) IsZero() bool { return a == ARN{} }

// graphPattern is the model's GraphArn pattern. The model's lazy quantifiers
// ("{0,10}?") match the same strings as greedy ones in an anchored pattern.
var graphPattern = regexp.MustCompile(`^arn:aws[-\w]{0,10}:detective:[-\w]{2,20}:\d{12}:graph:[abcdef\d]{32}$`)

// ParseGraph parses a behavior-graph ARN, enforcing the service model's
// GraphArn pattern (32 lowercase hex characters of graph ID).
func ParseGraph(s string) (ARN, error) {
	if !graphPattern.MatchString(s) {
		return ARN{}, fmt.Errorf("%w: not a behavior graph ARN: %q", ErrMalformed, s)
	}
	return Parse(s)
}

// Graph returns the ARN of behavior graph id owned by account in region.
func Graph(region, account, id string) ARN {
	return ARN{Partition: PartitionOf(region), Service: "detective", Region: region, Account: account, Resource: "graph:" + id}
}

// GraphID returns the graph ID of a behavior-graph ARN.
func (a ARN) GraphID() string { return strings.TrimPrefix(a.Resource, "graph:") }

// PartitionOf returns the partition a region belongs to.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}
