package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// startAccount is the account the start measurements act as.
const startAccount = "100000000000"

// startStats summarizes the --starts starts of one kind: on a new store
// (SQLite file or PostgreSQL schema created by the start's migrations) or
// on the store the previous start left (the schema is current).
type startStats struct {
	Kind         string  `json:"kind"`
	Starts       int     `json:"starts"`
	MinMillis    float64 `json:"min_ms"`
	MedianMillis float64 `json:"median_ms"`
	// CPU is the median CPU time the server had used by its first answer:
	// on a busy machine the wall time waits for cores, the CPU time less.
	CPUMillis float64 `json:"median_cpu_ms"`
	// The medians of the memory once the first request was answered, and
	// after one request of each kind (new stores only, else zero).
	IdleRSSKiB    int64 `json:"idle_rss_kib"`
	IdleAnonKiB   int64 `json:"idle_anon_kib"`
	IdleFileKiB   int64 `json:"idle_file_kib"`
	ServedRSSKiB  int64 `json:"served_rss_kib,omitempty"`
	ServedAnonKiB int64 `json:"served_anon_kib,omitempty"`
	ServedFileKiB int64 `json:"served_file_kib,omitempty"`
}

// startSample is one measured start.
type startSample struct {
	took   time.Duration
	cpu    time.Duration // the server's, by its first answer
	idle   memory
	served memory // zero unless requests were sent
}

// measureStarts starts the server n times on a new store and, but for the
// memory store, once more on the store each start left, one process at a
// time. Each new-store start is followed by one request of each kind (see
// eachKind) and a second reading of its memory.
func measureStarts(ctx context.Context, n int, bin, store string, pgScratch bool, tmp string, stderr io.Writer) ([]startStats, error) {
	if err := warmClients(ctx); err != nil {
		return nil, err
	}
	var fresh, again []startSample
	for i := range n {
		spec, dir := store, filepath.Join(tmp, fmt.Sprintf("start-%d", i+1))
		var drop func() error
		if isPostgres(store) && pgScratch {
			var err error
			if spec, drop, err = scratchSchema(ctx, store); err != nil {
				return nil, err
			}
		}
		err := func() error {
			s, err := startOnce(ctx, serverCmd(bin, spec, dir), true, stderr)
			if err != nil {
				return err
			}
			fresh = append(fresh, s)
			if store == "memory" {
				return nil
			}
			s, err = startOnce(ctx, serverCmd(bin, spec, dir), false, stderr)
			again = append(again, s)
			return err
		}()
		if drop != nil {
			err = errors.Join(err, drop())
		}
		if err != nil {
			return nil, err
		}
	}
	out := []startStats{summarize("new store", fresh)}
	if len(again) > 0 {
		out = append(out, summarize("existing store", again))
	}
	return out, nil
}

// measureBareStarts starts the bare server n times, for comparison.
func measureBareStarts(ctx context.Context, n int, stderr io.Writer) (startStats, error) {
	exe, err := os.Executable()
	if err != nil {
		return startStats{}, err
	}
	var samples []startSample
	for range n {
		s, err := startOnce(ctx, exec.Command(exe, bareCommand), false, stderr)
		if err != nil {
			return startStats{}, err
		}
		samples = append(samples, s)
	}
	return summarize("bare net/http", samples), nil
}

// startOnce starts cmd, times its first answer, reads its memory (and
// again after eachKind when requests is set) and stops it.
func startOnce(ctx context.Context, cmd *exec.Cmd, requests bool, stderr io.Writer) (_ startSample, err error) {
	c := newCluster()
	s, start, err := startProcess(ctx, "start", cmd, stderr)
	if err != nil {
		return startSample{}, err
	}
	c.servers = append(c.servers, s)
	defer func() {
		c.closeIdle()
		err = errors.Join(err, s.stop())
	}()
	answered, err := c.firstAnswer(ctx, 0)
	if err != nil {
		return startSample{}, err
	}
	out := startSample{took: answered.Sub(start)}
	if out.cpu, err = threadsCPU(s.cmd.Process.Pid); err != nil {
		return out, err
	}
	if out.idle, err = readMemory(s.cmd.Process.Pid); err != nil || !requests {
		return out, err
	}
	if err := c.eachKind(ctx, s.addr); err != nil {
		return out, fmt.Errorf("after start: %w", err)
	}
	out.served, err = readMemory(s.cmd.Process.Pid)
	return out, err
}

// eachKind sends one request of each kind the server answers: a Detective
// write and read, STS, Organizations, a console page, the metrics and an
// ingest, so that what each loads on first use is resident.
func (c *cluster) eachKind(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	base := "http://" + addr
	creds := credentials.NewStaticCredentialsProvider(startAccount, "secret-"+startAccount, "")
	d := c.client(startAccount, 0)
	g, err := d.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		return fmt.Errorf("CreateGraph: %w", err)
	}
	if _, err := d.GetMembers(ctx, &detective.GetMembersInput{GraphArn: g.GraphArn, AccountIds: []string{"200000000001"}}); err != nil {
		return fmt.Errorf("GetMembers: %w", err)
	}
	st := sts.New(sts.Options{Region: region, BaseEndpoint: aws.String(base), Credentials: creds, HTTPClient: c.http})
	if _, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		return fmt.Errorf("GetCallerIdentity: %w", err)
	}
	org := organizations.New(organizations.Options{Region: region, BaseEndpoint: aws.String(base), Credentials: creds, HTTPClient: c.http})
	// An account in no organization is refused with a modeled error:
	// answered all the same.
	var re *awshttp.ResponseError
	if _, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil && !(errors.As(err, &re) && re.HTTPStatusCode() < 500) {
		return fmt.Errorf("DescribeOrganization: %w", err)
	}
	record := `{"Records":[{"eventVersion":"1.08","eventTime":"` + time.Now().UTC().Format(time.RFC3339) + `",` +
		`"eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9",` +
		`"userAgent":"aws-cli/2","eventID":"00000000-0000-0000-0000-000000000001","recipientAccountId":"` + startAccount + `",` +
		`"userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::` + startAccount + `:user/alice","accountId":"` + startAccount + `","userName":"alice"}}]}`
	for _, r := range []struct{ method, path, body string }{
		{http.MethodGet, "/console/signin", ""},
		{http.MethodGet, "/_detective/metrics", ""},
		{http.MethodPost, "/_detective/ingest?format=cloudtrail", record},
	} {
		if err := plainRequest(ctx, c.transport, r.method, base+r.path, r.body); err != nil {
			return err
		}
	}
	return nil
}

// plainRequest sends an unsigned request and wants a 2xx answer.
func plainRequest(ctx context.Context, tr http.RoundTripper, method, url, body string) error {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, b)
	}
	return nil
}

// warmClients makes one ListGraphs call through the SDK against a local
// stand-in, so that the SDK's own first-call costs (lazy tables, the
// transport) are paid before any server is timed: the time to the first
// answer is then the server's.
func warmClients(ctx context.Context) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"GraphList":[]}`)
	})}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	c := newCluster()
	defer c.closeIdle()
	c.servers = []*server{{name: "warm-up", addr: l.Addr().String()}}
	_, err = c.firstAnswer(ctx, 0)
	return err
}

// summarize reduces samples to their minimum and median start times and
// median memory.
func summarize(kind string, samples []startSample) startStats {
	med := func(f func(startSample) int64) int64 {
		v := make([]int64, len(samples))
		for i, s := range samples {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	took := med(func(s startSample) int64 { return int64(s.took) })
	cpu := med(func(s startSample) int64 { return int64(s.cpu) })
	minTook := slices.MinFunc(samples, func(a, b startSample) int { return int(a.took - b.took) }).took
	return startStats{
		Kind: kind, Starts: len(samples), MinMillis: millis(minTook), MedianMillis: millis(time.Duration(took)),
		CPUMillis:     millis(time.Duration(cpu)),
		IdleRSSKiB:    med(func(s startSample) int64 { return s.idle.RSS }),
		IdleAnonKiB:   med(func(s startSample) int64 { return s.idle.Anon }),
		IdleFileKiB:   med(func(s startSample) int64 { return s.idle.File }),
		ServedRSSKiB:  med(func(s startSample) int64 { return s.served.RSS }),
		ServedAnonKiB: med(func(s startSample) int64 { return s.served.Anon }),
		ServedFileKiB: med(func(s startSample) int64 { return s.served.File }),
	}
}

// writeStarts writes the start table, if starts were measured.
func (r *report) writeStarts(b *strings.Builder) {
	if len(r.Starts) == 0 {
		return
	}
	b.WriteString("\n| start | starts | exec → first answer, min | median | server CPU by then, median | idle RSS (anon + file) | after one request of each kind |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range r.Starts {
		served := "—"
		if s.ServedRSSKiB > 0 {
			served = fmt.Sprintf("%s (%s + %s)", mib(s.ServedRSSKiB), mib(s.ServedAnonKiB), mib(s.ServedFileKiB))
		}
		fmt.Fprintf(b, "| %s | %d | %.1f ms | %.1f ms | %.1f ms | %s (%s + %s) | %s |\n", s.Kind, s.Starts, s.MinMillis, s.MedianMillis, s.CPUMillis,
			mib(s.IdleRSSKiB), mib(s.IdleAnonKiB), mib(s.IdleFileKiB), served)
	}
}
