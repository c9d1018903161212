package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
)

// TestInvestigationSurvivesRestart: an investigation computed with a
// --ttp-map row reads the same after a restart, and nothing recomputes it.
func TestInvestigationSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ttpMap := filepath.Join(t.TempDir(), "extra.tsv")
	if err := os.WriteFile(ttpMap, []byte("eventSource\teventName\tcondition\ttactic\ttechnique\tprocedure\tsource\n"+
		"ec2.amazonaws.com\tDescribeInstances\t\tDiscovery\tT1580 Cloud Infrastructure Discovery\tListed the instances\ttest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, dir)
	cfg.TTPMap = ttpMap
	m := mustStart(t, cfg)
	now := time.Now().UTC()
	record := `{"Records":[{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDACAROL",` +
		`"arn":"arn:aws:iam::111111111111:user/carol","accountId":"111111111111","accessKeyId":"AKIACAROL","userName":"carol"},` +
		`"eventTime":"` + now.Add(-time.Hour).Format(time.RFC3339) + `","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",` +
		`"awsRegion":"us-east-1","sourceIPAddress":"198.51.100.10","userAgent":"aws-cli/2","requestID":"r1","eventID":"e1",` +
		`"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111111111111"}]}`

	c := client(m.Addr(), "111111111111")
	g, err := c.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	if res, err := m.server.Pipeline.Ingest(ctx, strings.NewReader(record), ingest.Request{Format: format.CloudTrail}); err != nil || res.Accepted != 1 {
		t.Fatalf("Ingest = %+v, %v; want the record accepted", res, err)
	}
	started, err := c.StartInvestigation(ctx, &detective.StartInvestigationInput{GraphArn: g.GraphArn,
		EntityArn: aws.String("arn:aws:iam::111111111111:user/carol"), ScopeStartTime: aws.Time(now.Add(-24 * time.Hour)), ScopeEndTime: aws.Time(now)})
	if err != nil {
		t.Fatalf("StartInvestigation: %v", err)
	}
	read := func(c *detective.Client) (types.Status, types.Severity, []string) {
		t.Helper()
		get := &detective.GetInvestigationInput{GraphArn: g.GraphArn, InvestigationId: started.InvestigationId}
		var inv *detective.GetInvestigationOutput
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if inv, err = c.GetInvestigation(ctx, get); err != nil {
				t.Fatalf("GetInvestigation: %v", err)
			}
			if inv.Status != types.StatusRunning || time.Now().After(deadline) {
				break
			}
		}
		inds, err := c.ListIndicators(ctx, &detective.ListIndicatorsInput{GraphArn: g.GraphArn, InvestigationId: started.InvestigationId})
		if err != nil {
			t.Fatalf("ListIndicators: %v", err)
		}
		var out []string
		for _, ind := range inds.Indicators {
			if d := ind.IndicatorDetail.TTPsObservedDetail; d != nil {
				out = append(out, aws.ToString(d.Tactic)+" "+aws.ToString(d.APIName))
			}
		}
		return inv.Status, inv.Severity, out
	}
	status, sev, ttps := read(c)
	// No baseline: nothing is new; the --ttp-map row makes the call a TTP.
	if status != types.StatusSuccessful || sev != types.SeverityMedium || len(ttps) != 1 || ttps[0] != "Discovery DescribeInstances" {
		t.Fatalf("investigation = %s %s %q, want SUCCESSFUL MEDIUM with the --ttp-map row's TTP", status, sev, ttps)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	cfg.TTPMap = "" // a restart without the row must not recompute it
	m2 := mustStart(t, cfg)
	defer m2.Close()
	status2, sev2, ttps2 := read(client(m2.Addr(), "111111111111"))
	if status2 != status || sev2 != sev || strings.Join(ttps2, ",") != strings.Join(ttps, ",") {
		t.Errorf("after a restart = %s %s %q, want %s %s %q", status2, sev2, ttps2, status, sev, ttps)
	}
}

// TestInvestigationTablesMustLoad: a table the flags name that cannot be
// read stops the start, naming its flag.
func TestInvestigationTablesMustLoad(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	for _, flag := range []string{"threat-intel", "ttp-map", "geoip-city", "geoip-asn"} {
		cfg, err := parseConfig([]string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--" + flag, missing},
			func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatalf("parseConfig(--%s): %v", flag, err)
		}
		m := NewMain(cfg, io.Discard)
		if err := m.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "--"+flag) {
			if err == nil {
				m.Close()
			}
			t.Errorf("Start with --%s %s = %v, want an error naming the flag", flag, missing, err)
		}
	}
}
