package ingest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
)

// lineDecoders decode the "lines" format: one record per line,
//
//	api  EVENTID ACCOUNT REGION USER [ERRORCODE]      a management event
//	data EVENTID ACCOUNT REGION USER                  a data event
//	k8s  KEY ACCOUNT REGION                           an EKS audit event
//
// with fields separated by spaces and the user's calls made from
// 203.0.113.(last digit of EVENTID); anything else is malformed. Streams
// starting with "#lines" are detected as it.
type lineDecoders struct{ at time.Time }

func (lineDecoders) Open(r io.Reader) (io.Reader, error) { return r, nil }
func (lineDecoders) Formats() []ingest.Format            { return []ingest.Format{"lines"} }

func (lineDecoders) Detect(br *bufio.Reader) (ingest.Format, error) {
	head, _ := br.Peek(6)
	if string(head) == "#lines" {
		return "lines", nil
	}
	return "", errors.New("no format matches")
}

func (d lineDecoders) Decode(ctx context.Context, _ ingest.Format, r io.Reader, opts ingest.DecodeOptions, sink ingest.Sink) error {
	sc := bufio.NewScanner(r)
	var line, n int64
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		n++
		rec, err := d.record(text)
		if err != nil {
			sink.Malformed(ingest.Position{Line: line, Record: n}, err)
			continue
		}
		rec.Size = int64(len(text))
		if err := sink.Record(rec); err != nil {
			return err
		}
	}
	return sc.Err()
}

func (d lineDecoders) record(text string) (behavior.Record, error) {
	f := strings.Fields(text)
	if len(f) < 4 {
		return behavior.Record{}, fmt.Errorf("want at least 4 fields, have %d", len(f))
	}
	r := behavior.Record{Account: detective.AccountID(f[2]), Region: f[3], Time: d.at, Key: f[0] + ":" + f[1]}
	switch f[0] {
	case "api", "data":
		if len(f) < 5 {
			return r, errors.New("an API call needs a user")
		}
		r.Kind, r.Package = behavior.KindAPICall, detective.PackageDetectiveCore
		r.API = &behavior.APICall{EventID: f[1], EventSource: "iam.amazonaws.com", EventName: "ListUsers",
			Management: f[0] == "api", PrincipalType: behavior.PrincipalIAMUser,
			PrincipalARN: "arn:aws:iam::" + f[2] + ":user/" + f[4],
			SourceIP:     "203.0.113." + f[1][len(f[1])-1:], UserAgent: "aws-cli/2"}
		if len(f) > 5 {
			r.API.ErrorCode = f[5]
		}
	case "k8s":
		r.Kind, r.Package = behavior.KindK8s, detective.PackageEKSAudit
		r.K8s = &behavior.K8sEvent{Verb: "get", Username: "alice", Cluster: "prod"}
	default:
		return r, fmt.Errorf("unknown kind %q", f[0])
	}
	return r, nil
}

// fakeGeo locates every address in Paris, AS 64500.
type fakeGeo struct{}

func (fakeGeo) Locate(netip.Addr) (behavior.Location, bool) {
	return behavior.Location{City: "Paris", Country: "France", CountryCode: "FR", Latitude: 48.85, Longitude: 2.35}, true
}
func (fakeGeo) ASN(netip.Addr) (behavior.ASO, bool) {
	return behavior.ASO{Number: 64500, Organization: "Example"}, true
}
