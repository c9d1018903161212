package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/detective-local/detective-local/internal/edge"
	"github.com/detective-local/detective-local/internal/ingestapi"
)

// serverHeaderBytes is the header block net/http itself reads before
// answering 431 in plain text, with no handler run. It is far above
// --max-header-bytes, so that every header block a client plausibly sends
// reaches the services, which refuse what passes --max-header-bytes in
// their own error shape.
const serverHeaderBytes = maxHeaderBytesLimit

// newHTTPServer is the HTTP server around h, with cfg's bounds on slow
// and oversized requests: a header deadline, a body deadline per request
// (edge.Handler; a route that streams large bodies gets its own), a cap
// on bodies read at once, and the header limit the services answer.
func newHTTPServer(cfg Config, h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler: &edge.Handler{
			Next:        h,
			BodyTimeout: cfg.BodyReadTimeout,
			// A log file is read as fast as it is ingested.
			RouteBodyTimeouts: map[string]time.Duration{ingestapi.IngestPath: cfg.IngestBodyTimeout},
			MaxBodies:         cfg.MaxSlowBodies,
			MaxHeaderBytes:    cfg.MaxHeaderBytes,
		},
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    serverHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// readableDurations writes durations in logs as Go spells them ("1.5ms"),
// not as the nanosecond integers slog's JSON handler writes.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}
