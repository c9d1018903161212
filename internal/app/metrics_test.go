package app_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
)

// TestMetricsCountTraffic scrapes /_detective/metrics after traffic and
// finds each request counted under its operation and status, with its
// latency, and the job backlogs.
func TestMetricsCountTraffic(t *testing.T) {
	t.Parallel()
	srv := mustStartServer(t, mustOpenStore(t), false)
	ctx := context.Background()
	c := sdkClient(srv.Addr(), adminAccount)
	for range 3 {
		if _, err := c.ListGraphs(ctx, &detective.ListGraphsInput{}); err != nil {
			t.Fatalf("ListGraphs: %v", err)
		}
	}
	if _, err := c.GetMembers(ctx, &detective.GetMembersInput{GraphArn: aws.String("arn:aws:detective:us-east-1:111111111111:graph:0123456789abcdef0123456789abcdef"),
		AccountIds: []string{"222222222222"}}); err == nil {
		t.Fatal("GetMembers of a missing graph succeeded")
	}
	g, err := c.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	inv, err := c.StartInvestigation(ctx, &detective.StartInvestigationInput{GraphArn: g.GraphArn,
		EntityArn:      aws.String("arn:aws:iam::111111111111:role/quiet"),
		ScopeStartTime: aws.Time(time.Now().Add(-time.Hour)), ScopeEndTime: aws.Time(time.Now())})
	if err != nil {
		t.Fatalf("StartInvestigation: %v", err)
	}
	mustAwaitInvestigation(t, c, g.GraphArn, inv.InvestigationId)
	trail, err := os.Open("../ingest/cloudtrail/testdata/array.json") // one record that names no account
	if err != nil {
		t.Fatal(err)
	}
	defer trail.Close()
	ingested, err := http.Post("http://"+srv.Addr()+"/_detective/ingest", "application/json", trail)
	if err != nil || ingested.StatusCode != http.StatusOK {
		t.Fatalf("POST /_detective/ingest = %v, %v; want 200", ingested, err)
	}
	ingested.Body.Close()
	resp, err := http.Get("http://" + srv.Addr() + "/no/such/path")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	body := mustScrape(t, srv.Addr())
	for _, want := range []string{
		`detective_requests_total{operation="ListGraphs",service="detective",status="200"} 3`,
		`detective_requests_total{operation="GetMembers",service="detective",status="404"} 1`,
		`detective_requests_total{operation="unknown",service="detective",status="404"} 1`,
		`detective_request_duration_seconds_count{operation="ListGraphs",service="detective"} 3`,
		`detective_job_backlog{job="process-org-events"} 0`,
		`detective_job_backlog{job="enable-waiting-members"} 0`,
		`detective_investigations{status="SUCCESSFUL"} 1`,
		`detective_ingest_records_total{format="detected",outcome="read"} 1`,
		`detective_ingest_bytes_total{format="detected",outcome="read"} 139`,
		`detective_ingest_records_total{format="detected",outcome="no-account"} 1`,
		`detective_ingest_records_total{format="detected",outcome="accepted"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", body)
	}
}

func mustScrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/_detective/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape = %d, %v", resp.StatusCode, err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want the Prometheus text format", ct)
	}
	return string(b)
}
