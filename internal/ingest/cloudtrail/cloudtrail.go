// Package cloudtrail decodes CloudTrail logs into behavior Records of the
// DETECTIVE_CORE package: log files as CloudTrail delivers them to S3
// ({"Records":[…]}), JSON lines of events, bare arrays of events, and
// EventBridge events ("AWS API Call via CloudTrail") whose detail is one.
//
// The file is streamed record by record; memory does not grow with it.
//
// Imports: stdlib, internal/behavior, internal/detective and
// internal/ingest/stream only.
package cloudtrail

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest/stream"
)

// envelopeKey is the member of a CloudTrail log file holding its events.
const envelopeKey = "Records"

// Decode reads the CloudTrail log in r and hands each event to sink.
// Data events come out with Management false (the pipeline decides what
// to do with them); CloudTrail Insights events are skipped.
func Decode(ctx context.Context, r io.Reader, opts stream.Options, sink stream.Sink) error {
	br := stream.NewReader(r)
	layout := stream.Sniff(br, envelopeKey)
	return stream.JSON(ctx, br, layout, envelopeKey, opts, sink, func(pos stream.Position, size int64, ev *event) error {
		rec, err := ev.record(opts, size)
		switch {
		case errors.Is(err, errInsight):
			sink.Skipped(pos, stream.ReasonInsightEvent)
			return nil
		case err != nil:
			sink.Malformed(pos, err)
			return nil
		}
		return sink.Record(rec)
	})
}

// event is a CloudTrail record as CloudTrail writes it (record contents
// reference, eventVersion 1.0–1.11), or an EventBridge event whose
// detail is one.
type event struct {
	EventVersion        string          `json:"eventVersion"`
	UserIdentity        identity        `json:"userIdentity"`
	EventTime           string          `json:"eventTime"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	AWSRegion           string          `json:"awsRegion"`
	SourceIPAddress     string          `json:"sourceIPAddress"`
	UserAgent           string          `json:"userAgent"`
	ErrorCode           string          `json:"errorCode"`
	RequestParameters   json.RawMessage `json:"requestParameters"`
	ResponseElements    json.RawMessage `json:"responseElements"`
	AdditionalEventData json.RawMessage `json:"additionalEventData"`
	EventID             string          `json:"eventID"`
	ReadOnly            *bool           `json:"readOnly"`
	Resources           []resource      `json:"resources"`
	EventType           string          `json:"eventType"`
	ManagementEvent     *bool           `json:"managementEvent"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	EventCategory       string          `json:"eventCategory"`

	// EventBridge's envelope around a CloudTrail event.
	Detail  *event `json:"detail"`
	Account string `json:"account"`
	Region  string `json:"region"`
}

type identity struct {
	Type           string         `json:"type"`
	PrincipalID    string         `json:"principalId"`
	ARN            string         `json:"arn"`
	AccountID      string         `json:"accountId"`
	AccessKeyID    string         `json:"accessKeyId"`
	UserName       string         `json:"userName"`
	InvokedBy      string         `json:"invokedBy"`
	SessionContext sessionContext `json:"sessionContext"`
	OnBehalfOf     struct {
		UserID string `json:"userId"`
	} `json:"onBehalfOf"`
}

type sessionContext struct {
	SessionIssuer struct {
		Type string `json:"type"`
		ARN  string `json:"arn"`
	} `json:"sessionIssuer"`
	Attributes struct {
		MFAAuthenticated string `json:"mfaAuthenticated"`
	} `json:"attributes"`
}

type resource struct {
	ARN string `json:"ARN"`
}

var errInsight = errors.New("insights event")

// record maps ev to a Record; size is its raw length in the file.
func (ev *event) record(opts stream.Options, size int64) (behavior.Record, error) {
	account, region := opts.Account, opts.Region
	if ev.Detail != nil { // EventBridge: the envelope knows account and region too
		account, region = cmp.Or(ev.Account, account), cmp.Or(ev.Region, region)
		ev = ev.Detail
	}
	if ev.EventCategory == "Insight" || ev.EventType == "AwsCloudTrailInsight" {
		return behavior.Record{}, errInsight
	}
	if ev.EventID == "" {
		return behavior.Record{}, fmt.Errorf("event %s/%s has no eventID", ev.EventSource, ev.EventName)
	}
	t, err := time.Parse(time.RFC3339, ev.EventTime)
	if err != nil {
		return behavior.Record{}, fmt.Errorf("event %s: eventTime: %w", ev.EventID, err)
	}
	id := &ev.UserIdentity
	call := &behavior.APICall{
		EventID:           ev.EventID,
		EventSource:       ev.EventSource,
		EventName:         ev.EventName,
		EventType:         ev.EventType,
		Management:        ev.EventCategory != "Data" && (ev.ManagementEvent == nil || *ev.ManagementEvent),
		ReadOnly:          ev.ReadOnly,
		PrincipalType:     behavior.PrincipalType(id.Type),
		PrincipalARN:      id.ARN,
		PrincipalID:       cmp.Or(id.PrincipalID, id.OnBehalfOf.UserID),
		AccessKeyID:       id.AccessKeyID,
		UserName:          id.UserName,
		IssuerARN:         id.SessionContext.SessionIssuer.ARN,
		IssuerType:        id.SessionContext.SessionIssuer.Type,
		InvokedBy:         id.InvokedBy,
		MFAUsed:           ev.mfaUsed(),
		SourceIP:          ev.SourceIPAddress,
		UserAgent:         ev.UserAgent,
		ErrorCode:         ev.ErrorCode,
		RequestParameters: present(ev.RequestParameters),
		ResponseElements:  present(ev.ResponseElements),
	}
	if len(ev.Resources) > 0 {
		call.Resources = make([]string, 0, len(ev.Resources))
		for _, r := range ev.Resources {
			if r.ARN != "" {
				call.Resources = append(call.Resources, r.ARN)
			}
		}
	}
	return behavior.Record{
		Kind:    behavior.KindAPICall,
		Account: detective.AccountID(cmp.Or(ev.RecipientAccountID, id.AccountID, account)),
		Region:  cmp.Or(ev.AWSRegion, region),
		Package: detective.PackageDetectiveCore,
		Time:    t.UTC(),
		Size:    size,
		Key:     ev.EventID,
		API:     call,
	}, nil
}

// mfaUsed is whether the caller had signed in with MFA: the session's
// mfaAuthenticated attribute, or for console sign-ins the MFAUsed member
// of additionalEventData. nil when the event does not say.
func (ev *event) mfaUsed() *bool {
	var used bool
	switch ev.UserIdentity.SessionContext.Attributes.MFAAuthenticated {
	case "true":
		used = true
		return &used
	case "false":
		return &used
	}
	if ev.EventType != "AwsConsoleSignIn" || len(ev.AdditionalEventData) == 0 {
		return nil
	}
	var extra struct {
		MFAUsed string `json:"MFAUsed"`
	}
	if json.Unmarshal(ev.AdditionalEventData, &extra) != nil {
		return nil
	}
	switch extra.MFAUsed {
	case "Yes":
		used = true
		return &used
	case "No":
		return &used
	}
	return nil
}

// present returns raw JSON, or nil for an absent or null member.
func present(raw json.RawMessage) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}
