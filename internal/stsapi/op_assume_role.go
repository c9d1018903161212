package stsapi

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/sts"
)

// The model's patterns for AssumeRole's members.
var (
	arnPattern         = pattern(`[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{0085}\x{00A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]+`)
	sessionNamePattern = pattern(`[\w+=,.@-]*`)
	externalIDPattern  = pattern(`[\w+=,.@:\/-]*`)
)

type assumeRoleResponse struct {
	XMLName  xml.Name         `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
	Result   assumeRoleResult `xml:"AssumeRoleResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleResult struct {
	SourceIdentity  string          `xml:"SourceIdentity,omitempty"`
	AssumedRoleUser assumedRoleUser `xml:"AssumedRoleUser"`
	Credentials     credentials     `xml:"Credentials"`
}

type assumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	ARN           string `xml:"Arn"`
}

type credentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

// assumeRoleInput shape-checks the request's parameters.
func assumeRoleInput(r *request) (sts.AssumeRoleInput, error) {
	var v violations
	var in sts.AssumeRoleInput
	in.RoleARN, _ = v.str(r.params, "RoleArn", true, 20, 2048, arnPattern)
	in.RoleSessionName, _ = v.str(r.params, "RoleSessionName", true, 2, 64, sessionNamePattern)
	in.ExternalID, _ = v.str(r.params, "ExternalId", false, 2, 1224, externalIDPattern)
	in.Policy, _ = v.str(r.params, "Policy", false, 1, 0, nil)
	in.SourceIdentity, _ = v.str(r.params, "SourceIdentity", false, 2, 64, sessionNamePattern)
	if secs, ok := v.integer(r.params, "DurationSeconds", int(sts.MinDuration/time.Second), int(sts.MaxDuration/time.Second)); ok {
		in.Duration = time.Duration(secs) * time.Second
	}
	return in, v.err()
}

func (s *Server) assumeRole(w http.ResponseWriter, r *request) error {
	in, err := assumeRoleInput(r)
	if err != nil {
		return err
	}
	out, err := s.svc.AssumeRole(r.Context(), r.id.Caller, r.id.AccessKeyID, in)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, assumeRoleResponse{
		Result: assumeRoleResult{
			SourceIdentity:  out.SourceIdentity,
			AssumedRoleUser: assumedRoleUser{AssumedRoleID: out.AssumedRoleID, ARN: out.ARN},
			Credentials: credentials{AccessKeyID: out.AccessKeyID, SecretAccessKey: out.SecretAccessKey,
				SessionToken: out.SessionToken, Expiration: out.Expiration.UTC().Format(time.RFC3339)},
		},
		Metadata: responseMetadata{RequestID: w.Header().Get(frame.RequestIDHeader)},
	})
	return nil
}
