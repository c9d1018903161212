// Package arn parses and formats the Amazon Resource Names that Detective
// uses: behavior-graph ARNs and the ARNs of the entities it investigates.
// It imports the standard library only.
package arn

import (
	"errors"
	"fmt"
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
	// Cut in place rather than split into a new slice: every request
	// that names a graph parses its ARN.
	var parts [6]string
	rest, n := s, 0
	for ; n < len(parts)-1; n++ {
		var ok bool
		if parts[n], rest, ok = strings.Cut(rest, ":"); !ok {
			break
		}
	}
	parts[n] = rest
	if n != len(parts)-1 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
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

// ParseGraph parses a behavior-graph ARN, enforcing the service model's
// GraphArn pattern (32 lowercase hex characters of graph ID).
func ParseGraph(s string) (ARN, error) {
	a, ok := parseGraphARN(s)
	if !ok {
		return ARN{}, fmt.Errorf("%w: not a behavior graph ARN: %q", ErrMalformed, s)
	}
	return a, nil
}

// parseGraphARN returns s's parts, as Parse does, if s matches the model's
// GraphArn pattern,
//
//	^arn:aws[-\w]{0,10}?:detective:[-\w]{2,20}?:\d{12}?:graph:[abcdef\d]{32}?$
//
// (the lazy quantifiers match what greedy ones do in an anchored
// pattern). It is checked part by part, not by a regular expression:
// nearly every request names a graph, and the expression cost more than
// the rest of reading the request. FuzzGraphARNMatchesPattern holds the
// two to the same answers, and the parts to Parse's.
func parseGraphARN(s string) (ARN, bool) {
	rest, ok := strings.CutPrefix(s, "arn:aws")
	if !ok {
		return ARN{}, false
	}
	partition, rest, _ := strings.Cut(rest, ":")
	if len(partition) > 10 || !all(partition, isWordOrHyphen) {
		return ARN{}, false
	}
	if rest, ok = strings.CutPrefix(rest, "detective:"); !ok {
		return ARN{}, false
	}
	region, rest, _ := strings.Cut(rest, ":")
	if len(region) < 2 || len(region) > 20 || !all(region, isWordOrHyphen) {
		return ARN{}, false
	}
	account, resource, _ := strings.Cut(rest, ":")
	if len(account) != 12 || !all(account, isDigit) {
		return ARN{}, false
	}
	id, ok := strings.CutPrefix(resource, "graph:")
	if !ok || len(id) != 32 || !all(id, isLowerHex) {
		return ARN{}, false
	}
	return ARN{Partition: s[len("arn:") : len("arn:aws")+len(partition)], Service: "detective",
		Region: region, Account: account, Resource: resource}, true
}

func all(s string, f func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !f(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLowerHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' }

// isWordOrHyphen is the pattern's [-\w]: RE2's \w is ASCII letters,
// digits and underscore.
func isWordOrHyphen(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-'
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
