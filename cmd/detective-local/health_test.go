package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// Health reports a store that answers reads but cannot commit a write
// (here another process holds the database's write lock; a full disk
// looks the same to the probe) as 503, and 200 again once it can.
func TestHealthReportsStoreThatCannotWrite(t *testing.T) {
	dir := t.TempDir()
	m := mustStart(t, testConfig(t, dir))
	t.Cleanup(func() { m.Close() })
	health := func() (int, map[string]string) {
		t.Helper()
		resp, err := http.Get("http://" + m.Addr() + "/_detective/health")
		if err != nil {
			t.Fatalf("health: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var body map[string]string
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatalf("health body %q: %v", b, err)
		}
		return resp.StatusCode, body
	}
	if code, body := health(); code != 200 || body["status"] != "ok" || body["store"] != "ok" {
		t.Fatalf("health = %d %v, want 200 ok", code, body)
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "detective.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	time.Sleep(1100 * time.Millisecond) // past the interval a successful probe stands
	start := time.Now()
	code, body := health()
	if code != http.StatusServiceUnavailable || body["store"] != "cannot write" {
		t.Errorf("health while writes fail = %d %v, want 503 cannot write", code, body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("health took %v while writes failed, want a bounded answer", d)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if code, body := health(); code != 200 {
		t.Errorf("health after writes work again = %d %v, want 200", code, body)
	}
}
