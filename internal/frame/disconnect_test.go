package frame

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A request whose client hung up fails with context.Canceled; that is
// logged at info as a disconnect, never as a server error, and nothing
// is written to the gone client.
func TestClientDisconnectIsNotAnError(t *testing.T) {
	var logs bytes.Buffer
	wrote := false
	f := &Frame{Service: "test", Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), MaxBody: 64,
		WriteError: func(w http.ResponseWriter, r *http.Request, c *Call, err error) { wrote = true }}
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequest("POST", "/", strings.NewReader("{}")).WithContext(ctx)
	f.Serve(httptest.NewRecorder(), r, "Op", func(w http.ResponseWriter, r *http.Request, c *Call) error {
		cancel() // the client goes away while the store works
		return fmt.Errorf("sqlite: list members: %w", r.Context().Err())
	})
	if wrote {
		t.Errorf("WriteError called for a disconnected client")
	}
	if !strings.Contains(logs.String(), `"level":"INFO","msg":"client disconnected"`) || strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("logs = %s, want an INFO disconnect and no ERROR", logs.String())
	}
}

// The debug access log names the caller and the error type.
func TestAccessLogNamesCallerAndError(t *testing.T) {
	var logs bytes.Buffer
	f := &Frame{Service: "test", Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), MaxBody: 64,
		WriteError: func(w http.ResponseWriter, r *http.Request, c *Call, err error) {
			w.Header().Set("X-Amzn-ErrorType", "ValidationException")
			w.WriteHeader(400)
		}}
	f.Serve(httptest.NewRecorder(), httptest.NewRequest("POST", "/", strings.NewReader("{}")), "Op", func(w http.ResponseWriter, r *http.Request, c *Call) error {
		c.SetCaller("111111111111", "us-east-1")
		return fmt.Errorf("bad")
	})
	for _, want := range []string{`"caller":"111111111111/us-east-1"`, `"error":"ValidationException"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("access log %s lacks %s", logs.String(), want)
		}
	}
}
