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
	"slices"
	"strconv"
	"strings"
)

// bareCommand is the argument on which this program serves as the bare
// server instead of measuring.
const bareCommand = "serve-bare"

// bareScenario names the rows measured against the bare server.
const bareScenario = "get-members (bare net/http)"

// serveBare is the baseline of the get-members rows: a bare net/http
// server on loopback that reads each request's body and answers a fixed
// GetMembers response of getBatch members, as large as detective-local's,
// with no routing, signature parsing, domain or store. What detective-local
// costs beyond it is the service's own work.
func serveBare(ctx context.Context, stderr io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	body := bareBody()
	length := strconv.Itoa(len(body))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{length}
		_, _ = w.Write(body)
	})}
	fmt.Fprintf(stderr, "{\"level\":\"INFO\",\"msg\":\"listening\",\"addr\":%q}\n", ln.Addr().String())
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// bareBody is a GetMembers response of getBatch enabled members, shaped
// and sized as detective-local's.
func bareBody() []byte {
	var b strings.Builder
	b.WriteString(`{"MemberDetails":[`)
	for i := range getBatch {
		if i > 0 {
			b.WriteByte(',')
		}
		id := graphMember(1, i)
		fmt.Fprintf(&b, `{"AccountId":%q,"EmailAddress":"%s@example.com","GraphArn":"arn:aws:detective:us-east-1:100000000001:graph:0123456789abcdef0123456789abcdef",`+
			`"MasterId":"100000000001","AdministratorId":"100000000001","Status":"INVITED","InvitedTime":"2026-01-02T03:04:05.678Z",`+
			`"UpdatedTime":"2026-01-02T03:04:05.678Z","InvitationType":"INVITATION"}`, id, id)
	}
	b.WriteString(`],"UnprocessedAccounts":[]}`)
	return []byte(b.String())
}

// runBare measures the get-members scenario, if it was chosen, against a
// bare server at every concurrency, and adds its rows and its server to
// rep.
func runBare(ctx context.Context, cfg config, rep *report, stderr io.Writer) (err error) {
	i := slices.IndexFunc(cfg.scenarios, func(sc scenario) bool { return sc.name == "get-members" })
	if i < 0 {
		return nil
	}
	sc := cfg.scenarios[i]
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	c := newCluster()
	defer func() {
		c.closeIdle()
		for _, s := range c.servers {
			err = errors.Join(err, s.stop())
		}
	}()
	s, start, err := startProcess(ctx, "bare net/http", exec.Command(exe, bareCommand), stderr)
	if err != nil {
		return err
	}
	c.servers = append(c.servers, s)
	answered, err := c.firstAnswer(ctx, 0)
	if err != nil {
		return err
	}
	idle, err := readMemory(s.cmd.Process.Pid)
	if err != nil {
		return err
	}
	graph := "arn:aws:detective:us-east-1:100000000001:graph:0123456789abcdef0123456789abcdef"
	for _, conc := range cfg.concurrency {
		fmt.Fprintf(stderr, "%s at concurrency %d\n", bareScenario, conc)
		r, err := c.measure(ctx, sc, graph, conc, cfg.warmup, cfg.duration)
		if err != nil {
			return err
		}
		r.Scenario = bareScenario
		rep.Rows = append(rep.Rows, r)
	}
	loaded, err := readMemory(s.cmd.Process.Pid)
	if err != nil {
		return err
	}
	rep.Servers = append(rep.Servers, serverRun{Name: s.name, StartMillis: millis(answered.Sub(start)),
		IdleRSSKiB: idle.RSS, LoadedKiB: loaded.RSS, PeakKiB: loaded.Peak})
	return nil
}
