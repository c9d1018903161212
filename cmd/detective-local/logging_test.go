package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a log sink the server and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// JSON logs spell durations as Go does ("1.2ms"), and --verify-signatures
// without any credential warns that every request will be refused.
func TestStartLogs(t *testing.T) {
	var logs lockedBuffer
	cfg, err := parseConfig([]string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--verify-signatures"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, &logs)
	if err := m.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer m.Close()
	if !regexp.MustCompile(`"startup":"[0-9.]+(µs|ms|s)"`).MatchString(logs.String()) {
		t.Errorf("logs %s: want the startup duration as a Go duration string", logs.String())
	}
	if !strings.Contains(logs.String(), `"level":"WARN","msg":"--verify-signatures without credentials`) {
		t.Errorf("logs %s: want a warning about --verify-signatures without credentials", logs.String())
	}
}

// GET /_detective/accounts lists each account as GET /_detective/accounts/{id}
// answers it, with its name and organization.
func TestOperatorAccountsHaveNames(t *testing.T) {
	m := mustStartArgs(t, "--seed", mustWriteSeed(t, hostileSeed))
	resp, err := http.Get("http://" + m.Addr() + "/_detective/accounts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Accounts []struct {
			ID           string `json:"id"`
			Name         string `json:"name"`
			Organization string `json:"organizationId"`
		} `json:"accounts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, a := range got.Accounts {
		names[a.ID] = a.Name
		if a.Organization == "" {
			t.Errorf("account %s has no organizationId", a.ID)
		}
	}
	if names["111111111111"] != "Management" || names["222222222222"] != "Member" {
		t.Errorf("GET /_detective/accounts names = %v, want Management and Member", names)
	}
}
