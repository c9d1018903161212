package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"

	"github.com/detective-local/detective-local/internal/sdkhttp"
)

// TestMain lets the test binary run as the server itself, so that tests
// can start it as a separate process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("DETECTIVE_LOCAL_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const (
	admin  = "111111111111"
	member = "222222222222"
)

func client(addr, account string) *detective.Client {
	return detective.New(detective.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://" + addr),
		Credentials:  credentials.NewStaticCredentialsProvider(account, "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   sdkhttp.New(nil),
	})
}

func testConfig(t testing.TB, dataDir string) Config {
	t.Helper()
	cfg, err := parseConfig([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "warn"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	return cfg
}

func mustStart(t testing.TB, cfg Config) *Main {
	t.Helper()
	m := NewMain(cfg, io.Discard)
	if err := m.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return m
}

// TestRestartKeepsState: everything acknowledged before a clean restart is
// there after it, and a NextToken issued before it still pages.
func TestRestartKeepsState(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, t.TempDir())
	m := mustStart(t, cfg)
	adm := client(m.Addr(), admin)
	g, err := adm.CreateGraph(ctx, &detective.CreateGraphInput{Tags: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	var accts []types.Account
	for i := range 3 {
		accts = append(accts, types.Account{AccountId: aws.String(fmt.Sprintf("22222222222%d", i)), EmailAddress: aws.String("a@example.com")})
	}
	if _, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: g.GraphArn, Accounts: accts}); err != nil {
		t.Fatalf("CreateMembers: %v", err)
	}
	if _, err := client(m.Addr(), "222222222220").AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: g.GraphArn}); err != nil {
		t.Fatalf("AcceptInvitation: %v", err)
	}
	page, err := adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: g.GraphArn, MaxResults: aws.Int32(1)})
	if err != nil || page.NextToken == nil {
		t.Fatalf("ListMembers = %+v, %v", page, err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	m = mustStart(t, cfg)
	defer m.Close()
	adm = client(m.Addr(), admin)
	again, err := adm.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil || aws.ToString(again.GraphArn) != aws.ToString(g.GraphArn) {
		t.Errorf("CreateGraph after restart = %v, %v; want the same graph", aws.ToString(again.GraphArn), err)
	}
	rest, err := adm.ListMembers(ctx, &detective.ListMembersInput{GraphArn: g.GraphArn, NextToken: page.NextToken})
	if err != nil || len(rest.MemberDetails) != 2 {
		t.Fatalf("ListMembers with a token from before the restart = %+v, %v; want the other 2 members", rest, err)
	}
	got, err := adm.GetMembers(ctx, &detective.GetMembersInput{GraphArn: g.GraphArn, AccountIds: []string{"222222222220"}})
	if err != nil || len(got.MemberDetails) != 1 || got.MemberDetails[0].Status != types.MemberStatusEnabled {
		t.Errorf("accepted member after restart = %+v, %v; want ENABLED", got, err)
	}
	tags, err := adm.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: g.GraphArn})
	if err != nil || tags.Tags["k"] != "v" {
		t.Errorf("tags after restart = %v, %v", tags, err)
	}
}

// startProcess runs the server as a child process on dataDir and returns
// its address once it listens.
func startProcess(t *testing.T, dataDir string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-format", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "DETECTIVE_LOCAL_RUN_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatalf("stderr pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "listening" {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return cmd, rec.Addr
		}
	}
	t.Fatalf("server exited before listening: %v", lines.Err())
	return nil, ""
}

// TestKillKeepsAcknowledgedWrites: after SIGKILL, a restart on the same
// data directory has every write that was acknowledged.
func TestKillKeepsAcknowledgedWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cmd, addr := startProcess(t, dir)
	adm := client(addr, admin)
	g, err := adm.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	const n = 40
	for i := range n {
		_, err := adm.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: g.GraphArn, Accounts: []types.Account{
			{AccountId: aws.String(fmt.Sprintf("3%011d", i)), EmailAddress: aws.String("a@example.com")}}})
		if err != nil {
			t.Fatalf("CreateMembers #%d: %v", i, err)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	_ = cmd.Wait()

	_, addr = startProcess(t, dir)
	adm = client(addr, admin)
	count := 0
	p := detective.NewListMembersPaginator(adm, &detective.ListMembersInput{GraphArn: g.GraphArn})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListMembers after kill: %v", err)
		}
		count += len(page.MemberDetails)
	}
	if count != n {
		t.Errorf("members after kill -9 = %d, want %d", count, n)
	}
}

func TestHealthAndReset(t *testing.T) {
	m := mustStart(t, testConfig(t, t.TempDir()))
	defer m.Close()
	resp, err := http.Get("http://" + m.Addr() + "/_detective/health")
	if err != nil {
		t.Fatalf("health: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("health = %d, want 200", resp.StatusCode)
	}
	adm := client(m.Addr(), admin)
	if _, err := adm.CreateGraph(context.Background(), &detective.CreateGraphInput{}); err != nil {
		t.Fatalf("CreateGraph: %v", err)
	}
	resp, err = http.Post("http://"+m.Addr()+"/_detective/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("reset = %d, want 200", resp.StatusCode)
	}
	list, err := adm.ListGraphs(context.Background(), &detective.ListGraphsInput{})
	if err != nil || len(list.GraphList) != 0 {
		t.Errorf("ListGraphs after reset = %+v, %v; want none", list, err)
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--help"}, func(string) string { return "" }, &out)
	if !errors.Is(err, errHelp) {
		t.Errorf("run(--help) = %v, want errHelp", err)
	}
	for _, want := range []string{"-addr", "-store", "-seed", "-verify-signatures", "DETECTIVE_"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help output lacks %q", want)
		}
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	env := map[string]string{"DETECTIVE_ADDR": "127.0.0.1:9999", "DETECTIVE_VERIFICATION_DELAY": "2s", "DETECTIVE_STORE": "memory"}
	cfg, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.VerificationDelay != 2*time.Second || cfg.Store != "memory" {
		t.Errorf("config from environment = %+v", cfg)
	}
	if _, err := parseConfig([]string{"--default-account", "12"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Errorf("parseConfig accepted a 2-digit default account")
	}
}
