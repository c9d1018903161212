package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// mustStartArgs starts the server with extra command-line arguments on a
// fresh data directory; it stops with t.
func mustStartArgs(t *testing.T, args ...string) *Main {
	t.Helper()
	base := []string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--log-level", "warn"}
	cfg, err := parseConfig(append(base, args...), func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	m := mustStart(t, cfg)
	t.Cleanup(func() { m.Close() })
	return m
}

// rawRequest writes req to the server as is (no client cleans its path)
// and returns the status line's code, the headers and the body.
func rawRequest(t *testing.T, addr, req string) (int, http.Header, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatalf("write request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response to %.60q: %v", req, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

// Every answer is JSON with a request ID: AWS-shaped on AWS routes, the
// operator's shape under /_detective/, whatever the path, method or
// header size.
func TestEveryAnswerIsJSON(t *testing.T) {
	m := mustStartArgs(t)
	big := strings.Repeat("x", 2<<20)
	tests := []struct {
		name, req string
		status    int
		typ       string // __type on AWS routes, code under /_detective/
	}{
		{"double slash", "POST //graph HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 404, "UnknownOperationException"},
		{"dot segments", "GET /tags/../graph HTTP/1.1\r\nHost: x\r\n\r\n", 404, "UnknownOperationException"},
		{"trailing dot", "POST /graph/. HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 404, "UnknownOperationException"},
		{"2 MB header", "POST /graph HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\nContent-Length: 2\r\n\r\n{}", 431, "RequestHeaderFieldsTooLargeException"},
		{"2 MB header to Organizations", "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSOrganizationsV20161128.ListRoots\r\nX-Big: " + big + "\r\nContent-Length: 2\r\n\r\n{}", 431, "RequestHeaderFieldsTooLargeException"},
		{"operator wrong method", "GET /_detective/reset HTTP/1.1\r\nHost: x\r\n\r\n", 405, "MethodNotAllowed"},
		{"operator unknown path", "GET /_detective/nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, "NotFound"},
		{"operator prefix alone", "GET /_detective HTTP/1.1\r\nHost: x\r\n\r\n", 404, "NotFound"},
		{"operator unclean path", "GET /_detective//health HTTP/1.1\r\nHost: x\r\n\r\n", 404, "NotFound"},
		{"operator 2 MB header", "GET /_detective/health HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", 431, "RequestHeaderFieldsTooLarge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := rawRequest(t, m.Addr(), tc.req)
			var e struct {
				Type string `json:"__type"`
				Code string `json:"code"`
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("answer %d %q is not JSON: %v", status, body, err)
			}
			if got := e.Type + e.Code; status != tc.status || got != tc.typ {
				t.Errorf("answer = %d %s, want %d %s", status, body, tc.status, tc.typ)
			}
			if h.Get("X-Amzn-Requestid") == "" {
				t.Errorf("answer %d %s has no request ID", status, body)
			}
		})
	}
}

// A client that sends its headers and then trickles its body is cut off
// at the body deadline, and a body beyond --max-slow-bodies waits a tenth
// of that for a slot, then gets 503.
func TestSlowBodyIsCutOff(t *testing.T) {
	m := mustStartArgs(t, "--body-read-timeout", "500ms", "--max-slow-bodies", "2")
	slow := func() net.Conn {
		conn, err := net.Dial("tcp", m.Addr())
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() { conn.Close() })
		if _, err := io.WriteString(conn, "POST /graph HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"); err != nil {
			t.Fatalf("write: %v", err)
		}
		return conn
	}
	start := time.Now()
	conns := []net.Conn{slow(), slow(), slow()}
	statuses := map[int]int{}
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			statuses[0]++ // closed without an answer: also cut off
			continue
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("slow bodies held for %v, want about the 500ms body deadline", elapsed)
	}
	if statuses[http.StatusServiceUnavailable] != 1 {
		t.Errorf("answers to 3 slow bodies with 2 slots = %v, want one 503", statuses)
	}
	// The server still answers.
	status, _, body := rawRequest(t, m.Addr(), "POST /graph HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	if status != http.StatusOK {
		t.Errorf("CreateGraph after slow clients = %d %s, want 200", status, body)
	}
}

// SIGTERM while a client trickles a body ends the process cleanly (exit
// 0) within the shutdown timeout.
func TestShutdownWithSlowClient(t *testing.T) {
	cmd, addr := startProcess(t, t.TempDir(), "--shutdown-timeout", "1s", "--body-read-timeout", "1m")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /graph HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"); err != nil {
		t.Fatalf("write: %v", err)
	}
	time.Sleep(200 * time.Millisecond) // let the server start reading the body
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM = %v, want status 0", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("shutdown took %v, want about the 1s shutdown timeout", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("process still running 15s after SIGTERM")
	}
}

// A database file that is not a database stops the start with an error
// that names the file and what to do.
func TestStartNamesDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "detective.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("this is not a database\n", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, dir)
	err := NewMain(cfg, io.Discard).Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "backup") {
		t.Errorf("Start on a damaged database = %v, want an error naming %s and the remedy", err, path)
	}
}

// Under --verify-signatures the operator endpoints need a key the seed
// file marks as operator: unsigned and ordinary keys are refused, and
// change nothing.
func TestOperatorNeedsOperatorKey(t *testing.T) {
	seedPath := mustWriteSeed(t, `{"credentials": [
  {"accessKeyId": "AKIAOPERATOR", "secretAccessKey": "op-secret", "accountId": "111111111111", "operator": true},
  {"accessKeyId": "AKIAADMIN", "secretAccessKey": "admin-secret", "accountId": "111111111111"}]}`)
	m := mustStartArgs(t, "--verify-signatures", "--seed", seedPath)
	put := `{"email":"x@example.com"}`
	for _, tc := range []struct {
		name, key, secret, method, path, body string
		status                                int
	}{
		{"unsigned PUT", "", "", "PUT", "/_detective/accounts/222222222222", put, 403},
		{"unsigned reset", "", "", "POST", "/_detective/reset", "", 403},
		{"unsigned health (load balancers cannot sign)", "", "", "GET", "/_detective/health", "", 200},
		{"unsigned account facts", "", "", "GET", "/_detective/accounts", "", 403},
		{"ordinary key PUT", "AKIAADMIN", "admin-secret", "PUT", "/_detective/accounts/222222222222", put, 403},
		{"ordinary key reset", "AKIAADMIN", "admin-secret", "POST", "/_detective/reset", "", 403},
		{"wrong secret", "AKIAOPERATOR", "guess", "POST", "/_detective/reset", "", 403},
		{"operator GET before", "AKIAOPERATOR", "op-secret", "GET", "/_detective/accounts/222222222222", "", 404},
		{"operator PUT", "AKIAOPERATOR", "op-secret", "PUT", "/_detective/accounts/222222222222", put, 200},
		{"operator reset", "AKIAOPERATOR", "op-secret", "POST", "/_detective/reset", "", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, "http://"+m.Addr()+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.key != "" {
				mustSign(t, req, tc.key, tc.secret, tc.body)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.method, tc.path, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !json.Valid(body) {
				t.Errorf("%s %s = %d %s, want %d and JSON", tc.method, tc.path, resp.StatusCode, body, tc.status)
			}
		})
	}
}

// mustSign signs req, whose body is body, with the key for the detective
// service in us-east-1.
func mustSign(t *testing.T, req *http.Request, key, secret, body string) {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "detective", "us-east-1", time.Now()); err != nil {
		t.Fatalf("sign: %v", err)
	}
}
