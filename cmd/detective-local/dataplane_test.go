package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"text/template"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	dtypes "github.com/aws/aws-sdk-go-v2/service/detective/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/detective-local/detective-local/internal/behavior"
	det "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingest/format"
	"github.com/detective-local/detective-local/internal/pgtest"
)

// The accounts of the data-plane world: an organization whose management
// account delegates Detective to Admin, with Member in it; Other is in no
// graph.
const (
	dpManagement = "100000000001"
	dpAdmin      = "111111111111"
	dpMember     = "222222222222"
	dpOther      = "333333333333"
)

// logFiles renders the sample files of testdata/ingest for the world's
// accounts, with event times in the hour before base.
type logFiles struct {
	Admin, Member, Other string
	base                 time.Time
}

// T is the time n minutes after the files' base, as CloudTrail writes it.
func (f logFiles) T(n int) string {
	return f.base.Add(time.Duration(n) * time.Minute).Format("2006-01-02T15:04:05Z")
}

// Unix is T in Unix seconds, as flow logs write it.
func (f logFiles) Unix(n int) int64 { return f.base.Add(time.Duration(n) * time.Minute).Unix() }

func (f logFiles) render(tb testing.TB, name string) []byte {
	tb.Helper()
	t, err := template.ParseFiles(filepath.Join("testdata", "ingest", name+".tmpl"))
	if err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, f); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// volumeOf is what the graph should meter for account from data in a
// format: the raw bytes of its records that can be routed, decoded by the
// server's own decoders.
func volumeOf(tb testing.TB, data []byte, f format.Format, req ingest.Request, account string) map[det.DatasourcePackage]int64 {
	tb.Helper()
	sink := &sizeSink{account: account, sizes: map[det.DatasourcePackage]int64{}, req: req}
	r, err := format.Open(bytes.NewReader(data), format.Limits{})
	if err != nil {
		tb.Fatalf("open %s: %v", f, err)
	}
	if err := format.Decode(tb.Context(), f, r, format.Options{Region: req.Region, Account: req.Account}, sink); err != nil {
		tb.Fatalf("decode %s: %v", f, err)
	}
	return sink.sizes
}

type sizeSink struct {
	account string
	req     ingest.Request
	sizes   map[det.DatasourcePackage]int64
}

func (s *sizeSink) Record(r behavior.Record) error {
	if r.Account == "" {
		r.Account = det.AccountID(s.req.Account)
	}
	if r.Region == "" {
		r.Region = s.req.Region
	}
	if string(r.Account) == s.account && behavior.Admissible(&r) == "" {
		s.sizes[r.Package] += r.Size
	}
	return nil
}
func (s *sizeSink) Malformed(format.Position, error) {}
func (s *sizeSink) Skipped(format.Position, string)  {}

func addVolumes(to map[det.DatasourcePackage]int64, from map[det.DatasourcePackage]int64) {
	for k, v := range from {
		to[k] += v
	}
}

// dataPlaneServer is the binary run as a child process, so that it can be
// killed, with its log lines on a channel.
type dataPlaneServer struct {
	cmd  *exec.Cmd
	addr string
	logs chan map[string]any
}

func startDataPlaneServer(t *testing.T, args []string, env []string) *dataPlaneServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--addr", "127.0.0.1:0", "--log-format", "json"}, args...)...)
	cmd.Env = append(append(os.Environ(), "DETECTIVE_LOCAL_RUN_MAIN=1"), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatalf("stderr pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	s := &dataPlaneServer{cmd: cmd, logs: make(chan map[string]any, 1024)}
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		var rec map[string]any
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec["msg"] == "listening" {
			s.addr = rec["addr"].(string)
			go func() {
				for lines.Scan() {
					var rec map[string]any
					if json.Unmarshal(lines.Bytes(), &rec) == nil {
						select {
						case s.logs <- rec:
						default: // nobody is waiting for this many lines
						}
					}
				}
			}()
			return s
		}
	}
	t.Fatalf("server exited before listening: %v", lines.Err())
	return nil
}

// waitS3 waits for a poll of the S3 source that ingested objects, and
// returns its records.
func (s *dataPlaneServer) waitS3(t *testing.T) float64 {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case rec := <-s.logs:
			if rec["msg"] == "S3 poll" && rec["ingested"].(float64) > 0 {
				return rec["records"].(float64)
			}
			if rec["level"] == "ERROR" {
				t.Errorf("server: %v", rec)
			}
		case <-deadline:
			t.Fatalf("no S3 poll ingested anything within 20s")
		}
	}
}

// noS3 fails t if the S3 source ingests anything within d.
func (s *dataPlaneServer) noS3(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case rec := <-s.logs:
			if rec["msg"] == "S3 poll" {
				t.Errorf("the S3 source ingested again: %v", rec)
			}
		case <-deadline:
			return
		}
	}
}

func (s *dataPlaneServer) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	_ = s.cmd.Wait()
}

// mustFakeS3 starts an in-process S3 server with a bucket "logs".
func mustFakeS3(tb testing.TB) (*s3.Client, string) {
	tb.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	tb.Cleanup(srv.Close)
	c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired})
	if _, err := c.CreateBucket(tb.Context(), &s3.CreateBucketInput{Bucket: aws.String("logs")}); err != nil {
		tb.Fatalf("CreateBucket: %v", err)
	}
	return c, srv.URL
}

// postIngest sends body to the ingest endpoint and decodes the answer.
func postIngest(tb testing.TB, addr, query string, body []byte) ingest.Result {
	tb.Helper()
	resp, err := http.Post("http://"+addr+"/_detective/ingest?"+query, "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("POST /_detective/ingest?%s: %v", query, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		tb.Fatalf("POST /_detective/ingest?%s = %d %s", query, resp.StatusCode, b)
	}
	var res ingest.Result
	if err := json.Unmarshal(b, &res); err != nil {
		tb.Fatalf("decode %s: %v", b, err)
	}
	return res
}

// wantResult fails tb unless res has the counts of want (errors aside).
func wantResult(tb testing.TB, what string, res, want ingest.Result) {
	tb.Helper()
	res.Errors, res.Bytes = nil, 0
	if diff := cmp.Diff(want, res); diff != "" {
		tb.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

// memberVolumes reads GetMembers' per-package volume of account.
func memberVolumes(tb testing.TB, addr, graph, account string) (dtypes.MemberDetail, map[det.DatasourcePackage]int64) {
	tb.Helper()
	out, err := client(addr, dpAdmin).GetMembers(tb.Context(), &detective.GetMembersInput{GraphArn: aws.String(graph), AccountIds: []string{account}})
	if err != nil || len(out.MemberDetails) != 1 {
		tb.Fatalf("GetMembers(%s) = %+v, %v", account, out, err)
	}
	vols := map[det.DatasourcePackage]int64{}
	for p, u := range out.MemberDetails[0].VolumeUsageByDatasourcePackage {
		if v := aws.ToInt64(u.VolumeUsageInBytes); v != 0 {
			vols[det.DatasourcePackage(p)] = v
		}
	}
	return out.MemberDetails[0], vols
}

// entityView reads the entity view of entity over [from, to).
func entityView(tb testing.TB, addr, graph, entity string, from, to time.Time) behavior.Profile {
	tb.Helper()
	u := "http://" + addr + "/_detective/graphs/" + graph + "/entities/" + url.PathEscape(entity) +
		"?from=" + from.Format(time.RFC3339) + "&to=" + to.Format(time.RFC3339)
	resp, err := http.Get(u)
	if err != nil {
		tb.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		tb.Fatalf("GET %s = %d %s", u, resp.StatusCode, b)
	}
	var p behavior.Profile
	if err := json.Unmarshal(b, &p); err != nil {
		tb.Fatalf("decode %s: %v", b, err)
	}
	return p
}

// TestDataPlane is the data plane end to end on the real binary, once per
// store: an organization graph built with the Detective API; CloudTrail,
// VPC flow, GuardDuty, ASFF and EKS audit files for the administrator, a
// member and an account in no graph, sent through all three ways in (HTTP,
// the ingest command, an S3 bucket); exactly the routed counts, the
// member's volume per package in GetMembers and the entity view; nothing
// more on re-ingest, and all of it again after kill -9.
func TestDataPlane(t *testing.T) {
	stores := []string{"sqlite"}
	if pgtest.DSN(t) != "" {
		stores = append(stores, "postgres")
	}
	for _, name := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			store := []string{"--data-dir", t.TempDir()}
			if name == "postgres" {
				store = []string{"--store", pgtest.Schema(t, pgtest.DSN(t))}
			}
			runDataPlane(t, store)
		})
	}
}

func runDataPlane(t *testing.T, store []string) {
	ctx := context.Background()
	files := logFiles{Admin: dpAdmin, Member: dpMember, Other: dpOther, base: time.Now().UTC().Truncate(time.Hour).Add(-2 * time.Hour)}
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, fmt.Appendf(nil, `{"organizations": [{"managementAccountId": %q, "members": [%q, %q],
		"enabledServices": ["detective.amazonaws.com"]}]}`, dpManagement, dpAdmin, dpMember), 0o644); err != nil {
		t.Fatal(err)
	}
	s3c, s3url := mustFakeS3(t)
	args := append([]string{"--seed", seed, "--ingest-s3", "s3://logs/AWSLogs/", "--ingest-s3-endpoint", s3url,
		"--ingest-s3-interval", "100ms"}, store...)
	env := []string{"AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull}
	srv := startDataPlaneServer(t, args, env)

	// The organization graph: Admin is the delegated administrator and
	// enables Member.
	if _, err := client(srv.addr, dpManagement).EnableOrganizationAdminAccount(ctx,
		&detective.EnableOrganizationAdminAccountInput{AccountId: aws.String(dpAdmin)}); err != nil {
		t.Fatalf("EnableOrganizationAdminAccount: %v", err)
	}
	graphs, err := client(srv.addr, dpAdmin).ListGraphs(ctx, &detective.ListGraphsInput{})
	if err != nil || len(graphs.GraphList) != 1 {
		t.Fatalf("ListGraphs = %+v, %v", graphs, err)
	}
	graph := aws.ToString(graphs.GraphList[0].Arn)
	if _, err := client(srv.addr, dpAdmin).CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: aws.String(graph),
		Accounts: []dtypes.Account{{AccountId: aws.String(dpMember), EmailAddress: aws.String("member@example.com")}}}); err != nil {
		t.Fatalf("CreateMembers: %v", err)
	}
	if m, _ := memberVolumes(t, srv.addr, graph, dpMember); m.Status != dtypes.MemberStatusEnabled {
		t.Fatalf("member status = %s, want ENABLED", m.Status)
	}
	want := map[det.DatasourcePackage]int64{}

	// HTTP: CloudTrail (with a data event and an account in no graph),
	// ASFF, and EKS audit events whose account is the ingest call's.
	trail, asff, eks := files.render(t, "cloudtrail.json"), files.render(t, "asff.json"), files.render(t, "eks-audit.jsonl")
	wantResult(t, "HTTP CloudTrail", postIngest(t, srv.addr, "format=cloudtrail", trail), ingest.Result{Records: 6, Accepted: 4,
		Graphs: map[string]int64{graph: 4}, Skipped: map[string]int64{"data-event": 1, "no-graph": 1}})
	wantResult(t, "HTTP ASFF (detected)", postIngest(t, srv.addr, "", asff), ingest.Result{Records: 3, Accepted: 2,
		Graphs: map[string]int64{graph: 2}, Skipped: map[string]int64{"no-graph": 1}})
	eksReq := ingest.Request{Region: "us-east-1", Account: dpMember}
	wantResult(t, "HTTP EKS audit", postIngest(t, srv.addr, "format=eks-audit&region=us-east-1&account="+dpMember, eks),
		ingest.Result{Records: 2, Accepted: 2, Graphs: map[string]int64{graph: 2}, Skipped: map[string]int64{}})
	addVolumes(want, volumeOf(t, trail, "cloudtrail", ingest.Request{}, dpMember))
	addVolumes(want, volumeOf(t, asff, "asff", ingest.Request{}, dpMember))
	addVolumes(want, volumeOf(t, eks, "eks-audit", eksReq, dpMember))

	// The ingest command: a directory in AWS's S3 layout.
	dir := t.TempDir()
	flowKey := "AWSLogs/" + dpMember + "/vpcflowlogs/us-east-1/2026/03/14/" + dpMember + "_vpcflowlogs_us-east-1_fl-0a1b2c3d_20260314T1500Z_0a1b.log"
	dutyKey := "AWSLogs/" + dpAdmin + "/GuardDuty/us-east-1/2026/03/14/0b1c2d3e-4f50-3a6b-9c8d-7e6f5a4b3c2d.jsonl"
	flow, duty := files.render(t, "vpcflow.log"), files.render(t, "guardduty.jsonl")
	mustWriteFiles(t, dir, map[string]string{flowKey: string(flow), dutyKey: string(duty)})
	sum, _, err := mustRunIngest(t, "--endpoint", "http://"+srv.addr, dir)
	if err != nil {
		t.Fatalf("ingest command: %v", err)
	}
	wantResult(t, "ingest command", sum.Result, ingest.Result{Records: 7, Accepted: 5,
		Graphs: map[string]int64{graph: 5}, Skipped: map[string]int64{"nodata": 1, "no-graph": 1}})
	addVolumes(want, volumeOf(t, flow, "vpcflow", ingest.Request{Region: "us-east-1", Account: dpMember}, dpMember))

	// S3: an object, then another added between polls.
	s3Trail, s3Later := files.render(t, "cloudtrail-s3.json"), files.render(t, "cloudtrail-s3-later.json")
	mustPutObject(t, s3c, "AWSLogs/"+dpMember+"/CloudTrail/us-east-1/2026/03/14/"+dpMember+"_CloudTrail_us-east-1_20260314T1500Z_s3a.json", s3Trail)
	if n := srv.waitS3(t); n != 2 {
		t.Errorf("S3 records = %v, want 2", n)
	}
	mustPutObject(t, s3c, "AWSLogs/"+dpAdmin+"/CloudTrail/us-east-1/2026/03/14/"+dpAdmin+"_CloudTrail_us-east-1_20260314T1600Z_s3b.json", s3Later)
	if n := srv.waitS3(t); n != 1 {
		t.Errorf("S3 records of the later object = %v, want 1", n)
	}
	addVolumes(want, volumeOf(t, s3Trail, "cloudtrail", ingest.Request{}, dpMember))

	check := func(when string) {
		t.Helper()
		_, got := memberVolumes(t, srv.addr, graph, dpMember)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("member volume per package %s (-want +got):\n%s", when, diff)
		}
		alice := entityView(t, srv.addr, graph, "arn:aws:iam::"+dpAdmin+":user/alice", files.base, files.base.Add(2*time.Hour))
		calls := map[string][2]int64{}
		for _, c := range alice.APICalls {
			calls[c.EventSource+" "+c.EventName] = [2]int64{c.Success, c.Failure}
		}
		wantCalls := map[string][2]int64{"iam.amazonaws.com CreateAccessKey": {2, 0}, "s3.amazonaws.com ListBuckets": {0, 1}}
		if diff := cmp.Diff(wantCalls, calls); diff != "" {
			t.Errorf("alice's API calls %s (-want +got):\n%s", when, diff)
		}
		ips := map[string]int64{}
		for _, ip := range alice.SourceIPs {
			ips[ip.IP] = ip.Success + ip.Failure
		}
		if diff := cmp.Diff(map[string]int64{"198.51.100.7": 2, "198.51.100.8": 1}, ips); diff != "" {
			t.Errorf("alice's source IPs %s (-want +got):\n%s", when, diff)
		}
	}
	check("after ingest")

	// Re-ingest through every way adds nothing.
	reingest := func(when string) {
		t.Helper()
		wantResult(t, "CloudTrail "+when, postIngest(t, srv.addr, "format=cloudtrail", trail), ingest.Result{Records: 6,
			Graphs: map[string]int64{}, Skipped: map[string]int64{"data-event": 1, "no-graph": 1, "duplicate": 4}})
		sum, _, err := mustRunIngest(t, "--endpoint", "http://"+srv.addr, dir)
		if err != nil || sum.Accepted != 0 || sum.Skipped["duplicate"] != 5 {
			t.Errorf("ingest command %s = %+v, %v; want 5 duplicates", when, sum, err)
		}
		check(when)
	}
	reingest("again")

	// kill -9, and the same again on the same store: nothing lost,
	// nothing from S3 read twice, nothing added by re-ingest.
	srv.kill(t)
	srv = startDataPlaneServer(t, args, env)
	check("after kill -9")
	srv.noS3(t, time.Second)
	reingest("after kill -9")
}

func mustPutObject(tb testing.TB, c *s3.Client, key string, body []byte) {
	tb.Helper()
	if _, err := c.PutObject(tb.Context(), &s3.PutObjectInput{Bucket: aws.String("logs"), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
		tb.Fatalf("PutObject(%s): %v", key, err)
	}
}

// TestDataPlaneVolumeTooHigh: an account invited while the graph was under
// --volume-limit-bytes, that accepts once the graph has ingested past it,
// is ACCEPTED_BUT_DISABLED with VOLUME_TOO_HIGH: measured volume drives
// the rule, not account facts (which say nothing here).
func TestDataPlaneVolumeTooHigh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := testConfig(t, t.TempDir())
	cfg.VolumeLimit = 1000
	m := mustStart(t, cfg)
	defer m.Close()
	adm := client(m.Addr(), dpAdmin)
	g, err := adm.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	if _, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: g.GraphArn,
		Accounts: []dtypes.Account{{AccountId: aws.String("444444444444"), EmailAddress: aws.String("late@example.com")}}}); err != nil {
		t.Fatalf("CreateMembers: %v", err)
	}
	files := logFiles{Admin: dpAdmin, Member: dpMember, Other: dpOther, base: time.Now().UTC().Truncate(time.Hour).Add(-2 * time.Hour)}
	if res := postIngest(t, m.Addr(), "format=cloudtrail", files.render(t, "cloudtrail.json")); res.Accepted != 2 {
		t.Fatalf("ingest = %+v, want the administrator's 2 records", res)
	}
	if _, err := client(m.Addr(), "444444444444").AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: g.GraphArn}); err != nil {
		t.Fatalf("AcceptInvitation: %v", err)
	}
	out, err := adm.GetMembers(ctx, &detective.GetMembersInput{GraphArn: g.GraphArn, AccountIds: []string{"444444444444"}})
	if err != nil || len(out.MemberDetails) != 1 {
		t.Fatalf("GetMembers = %+v, %v", out, err)
	}
	if md := out.MemberDetails[0]; md.Status != dtypes.MemberStatusAcceptedButDisabled || md.DisabledReason != dtypes.MemberDisabledReasonVolumeTooHigh {
		t.Errorf("member accepted into a graph over its volume limit = %s/%s, want ACCEPTED_BUT_DISABLED/VOLUME_TOO_HIGH", md.Status, md.DisabledReason)
	}
}
