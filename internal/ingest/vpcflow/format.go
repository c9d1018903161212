package vpcflow

import (
	"fmt"
	"strconv"

	"github.com/detective-local/detective-local/internal/behavior"
)

// parsed is one line's values.
type parsed struct {
	flow            *behavior.Flow
	account, region string
	status          string
}

// setter stores one field's value; the value is never "-" (absent).
type setter func(p *parsed, v []byte) error

// format is the field order of a flow log: one setter per column, nil
// for columns this decoder does not keep.
type format struct {
	setters []setter
	names   []string
}

func newFormat(header [][]byte) *format {
	f := &format{setters: make([]setter, len(header)), names: make([]string, len(header))}
	for i, h := range header {
		f.names[i] = string(h)
		f.setters[i] = fieldSetters[string(h)]
	}
	return f
}

func formatOf(names []string) *format {
	header := make([][]byte, len(names))
	for i, n := range names {
		header[i] = []byte(n)
	}
	return newFormat(header)
}

func (f *format) parse(fields [][]byte) (*parsed, string, error) {
	if len(fields) != len(f.setters) {
		return nil, "", fmt.Errorf("%d fields, want %d (%s format)", len(fields), len(f.setters), f.describe())
	}
	p := &parsed{flow: &behavior.Flow{}}
	for i, v := range fields {
		set := f.setters[i]
		if set == nil || len(v) == 1 && v[0] == '-' {
			continue
		}
		if err := set(p, v); err != nil {
			return nil, "", fmt.Errorf("%s: %w", f.names[i], err)
		}
	}
	return p, p.status, nil
}

func (f *format) describe() string {
	if len(f.names) == len(defaultFields) && f.names[0] == defaultFields[0] && f.names[len(f.names)-1] == defaultFields[len(defaultFields)-1] {
		return "default"
	}
	return "custom"
}

func text(dst func(*parsed) *string) setter {
	return func(p *parsed, v []byte) error { *dst(p) = string(v); return nil }
}

func integer(dst func(*parsed) *int) setter {
	return func(p *parsed, v []byte) error {
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return fmt.Errorf("not a number: %q", v)
		}
		*dst(p) = n
		return nil
	}
}

func counter(dst func(*parsed) *int64) setter {
	return func(p *parsed, v []byte) error {
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("not a count: %q", v)
		}
		*dst(p) = n
		return nil
	}
}

// fieldSetters maps every field name of flow log versions 2 to 8 to
// where its value goes; fields the behavior graph does not use (the ECS
// ones, sublocations) are known but dropped.
var fieldSetters = map[string]setter{
	"version":      integer(func(p *parsed) *int { return &p.flow.Version }),
	"account-id":   text(func(p *parsed) *string { return &p.account }),
	"interface-id": text(func(p *parsed) *string { return &p.flow.InterfaceID }),
	"srcaddr":      text(func(p *parsed) *string { return &p.flow.SrcAddr }),
	"dstaddr":      text(func(p *parsed) *string { return &p.flow.DstAddr }),
	"srcport":      integer(func(p *parsed) *int { return &p.flow.SrcPort }),
	"dstport":      integer(func(p *parsed) *int { return &p.flow.DstPort }),
	"protocol":     integer(func(p *parsed) *int { return &p.flow.Protocol }),
	"packets":      counter(func(p *parsed) *int64 { return &p.flow.Packets }),
	"bytes":        counter(func(p *parsed) *int64 { return &p.flow.Bytes }),
	"start": func(p *parsed, v []byte) (err error) {
		p.flow.Start, err = unixTime(v)
		return err
	},
	"end": func(p *parsed, v []byte) (err error) {
		p.flow.End, err = unixTime(v)
		return err
	},
	"action":                     text(func(p *parsed) *string { return &p.flow.Action }),
	"log-status":                 text(func(p *parsed) *string { return &p.status }),
	"vpc-id":                     text(func(p *parsed) *string { return &p.flow.VpcID }),
	"subnet-id":                  text(func(p *parsed) *string { return &p.flow.SubnetID }),
	"instance-id":                text(func(p *parsed) *string { return &p.flow.InstanceID }),
	"tcp-flags":                  integer(func(p *parsed) *int { return &p.flow.TCPFlags }),
	"type":                       text(func(p *parsed) *string { return &p.flow.Type }),
	"pkt-srcaddr":                text(func(p *parsed) *string { return &p.flow.PktSrcAddr }),
	"pkt-dstaddr":                text(func(p *parsed) *string { return &p.flow.PktDstAddr }),
	"region":                     text(func(p *parsed) *string { return &p.region }),
	"az-id":                      text(func(p *parsed) *string { return &p.flow.AZID }),
	"sublocation-type":           nil,
	"sublocation-id":             nil,
	"pkt-src-aws-service":        text(func(p *parsed) *string { return &p.flow.PktSrcAWSService }),
	"pkt-dst-aws-service":        text(func(p *parsed) *string { return &p.flow.PktDstAWSService }),
	"flow-direction":             text(func(p *parsed) *string { return &p.flow.FlowDirection }),
	"traffic-path":               integer(func(p *parsed) *int { return &p.flow.TrafficPath }),
	"ecs-cluster-arn":            nil,
	"ecs-cluster-name":           nil,
	"ecs-container-instance-arn": nil,
	"ecs-container-instance-id":  nil,
	"ecs-container-id":           nil,
	"ecs-second-container-id":    nil,
	"ecs-service-name":           nil,
	"ecs-task-definition-arn":    nil,
	"ecs-task-arn":               nil,
	"ecs-task-id":                nil,
	"reject-reason":              text(func(p *parsed) *string { return &p.flow.RejectReason }),
}
