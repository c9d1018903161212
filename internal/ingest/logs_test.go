package ingest_test

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/geo"
)

// event is one CloudTrail event (an NDJSON line) of user in account,
// called from 203.0.113.(id's last digit).
func event(id, account, region, user, errorCode string) string {
	extra := ""
	if errorCode != "" {
		extra = fmt.Sprintf(`,"errorCode":%q`, errorCode)
	}
	return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::%s:user/%s","accountId":"%s"},`+
		`"eventTime":%q,"eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":%q,`+
		`"sourceIPAddress":"203.0.113.%s","userAgent":"aws-cli/2","eventID":%q,"eventType":"AwsApiCall",`+
		`"managementEvent":true,"recipientAccountId":%q,"eventCategory":"Management"%s}`,
		account, user, account, eventTime.Format(time.RFC3339), region, id[len(id)-1:], id, account, extra)
}

// dataEvent is an S3 data event of account.
func dataEvent(id, account, region string) string {
	return fmt.Sprintf(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::%s:user/alice"},`+
		`"eventTime":%q,"eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":%q,"eventID":%q,`+
		`"managementEvent":false,"recipientAccountId":%q,"eventCategory":"Data"}`,
		account, eventTime.Format(time.RFC3339), region, id, account)
}

// auditEvent is a Kubernetes audit event.
func auditEvent(id string) string {
	t := eventTime.Format(time.RFC3339Nano)
	return fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":%q,`+
		`"stage":"ResponseComplete","requestURI":"/api/v1/pods","verb":"list","user":{"username":"alice"},`+
		`"sourceIPs":["203.0.113.5"],"userAgent":"kubectl/1.30","objectRef":{"resource":"pods","apiVersion":"v1"},`+
		`"responseStatus":{"code":200},"requestReceivedTimestamp":%q,"stageTimestamp":%q}`, id, t, t)
}

// lines is a stream of ls, one a line, that cannot seek, as a request body
// cannot: the pipeline reads it record by record, whatever it ingested
// before. fileOf is the same as a file.
func lines(ls ...string) io.Reader { return struct{ io.Reader }{fileOf(ls...)} }

func fileOf(ls ...string) *strings.Reader { return strings.NewReader(strings.Join(ls, "\n") + "\n") }

// fakeGeo locates every address in Paris, AS 64500.
type fakeGeo struct{}

func (fakeGeo) Locate(netip.Addr) (geo.Location, bool) {
	return geo.Location{City: "Paris", Country: "France", CountryCode: "FR", Latitude: 48.85, Longitude: 2.35}, true
}

func (fakeGeo) ASN(netip.Addr) (geo.ASO, bool) {
	return geo.ASO{Number: 64500, Organization: "Example"}, true
}
