package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/app"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/geo"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingestapi"
)

// Main is the whole server as the binary runs it: its configuration, its
// log, the store it opens and the server internal/app builds on it. Tests
// run it on port 0 with a temporary data directory.
type Main struct {
	cfg    Config
	log    *slog.Logger
	store  app.Store
	server *app.Server
	geo    *geo.DB // closed after the server
}

// NewMain returns a Main that logs to logOut.
func NewMain(cfg Config, logOut io.Writer) *Main {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel)) // validated by parseConfig
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: readableDurations}
	var h slog.Handler = slog.NewJSONHandler(logOut, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(logOut, opts)
	}
	return &Main{cfg: cfg, log: slog.New(h)}
}

// Start opens the store, applies the seed file and starts serving. It
// returns once the listener accepts connections.
func (m *Main) Start(ctx context.Context) error {
	start := time.Now()
	sd, err := loadSeed(m.cfg.Seed)
	if err != nil {
		return err
	}
	tabs, err := loadTables(m.cfg)
	if err != nil {
		return err
	}
	store, err := app.OpenStore(ctx, m.cfg.Store, m.cfg.DataDir)
	if err != nil {
		return errors.Join(err, tabs.geo.Close())
	}
	settings := m.cfg.investigationSettings()
	srv, err := app.Start(ctx, store, app.Config{
		Addr:               m.cfg.Addr,
		Logger:             m.log,
		Seed:               sd.World,
		Credentials:        sd.Credentials,
		VerifySignatures:   m.cfg.VerifySignatures,
		DefaultAccount:     detective.AccountID(m.cfg.DefaultAccount),
		DefaultRegion:      m.cfg.DefaultRegion,
		MaxSkew:            m.cfg.MaxSkew,
		MaxBodyBytes:       m.cfg.MaxBodyBytes,
		VerificationDelay:  m.cfg.VerificationDelay,
		InvestigationDelay: m.cfg.InvestigationDelay,
		MemberLimit:        m.cfg.MemberLimit,
		VolumeLimit:        m.cfg.VolumeLimit,
		AutoEnableInterval: m.cfg.AutoEnableInterval,
		OrgEventsInterval:  m.cfg.OrgEventsInterval,
		ShutdownTimeout:    m.cfg.ShutdownTimeout,
		ReadHeaderTimeout:  m.cfg.ReadHeaderTimeout,
		BodyReadTimeout:    m.cfg.BodyReadTimeout,
		MaxSlowBodies:      m.cfg.MaxSlowBodies,
		MaxHeaderBytes:     m.cfg.MaxHeaderBytes,

		Investigation:         &settings,
		TTPs:                  tabs.ttps,
		Threats:               tabs.threats,
		InvestigationInterval: m.cfg.InvestigationInterval,
		Geo:                   locator(tabs.geo),
		// A log file's body is read as fast as it is ingested.
		RouteBodyTimeouts: map[string]time.Duration{ingestapi.IngestPath: m.cfg.IngestBodyTimeout},
		IngestMaxBytes:    m.cfg.IngestMaxBytes,
		IngestS3:          m.cfg.IngestS3,
		IngestS3Endpoint:  m.cfg.IngestS3Endpoint,
		IngestS3Interval:  m.cfg.IngestS3Interval,
		Retention:         m.cfg.Retention,
		VolumeHardLimit:   m.cfg.VolumeHardLimit,
	})
	if err != nil {
		return errors.Join(err, store.Close(), tabs.geo.Close())
	}
	m.store, m.server, m.geo = store, srv, tabs.geo
	m.log.Info("listening", slog.String("addr", m.Addr()), slog.String("store", storeKind(m.cfg.Store)),
		slog.Bool("verify_signatures", m.cfg.VerifySignatures), slog.Duration("startup", time.Since(start)))
	return nil
}

// Addr is the address the server listens on, e.g. 127.0.0.1:8080.
func (m *Main) Addr() string { return m.server.Addr() }

// Close stops accepting requests, lets in-flight ones finish (up to the
// shutdown timeout) and closes the store.
func (m *Main) Close() error {
	m.log.Info("shutting down")
	err := m.server.Close()
	return errors.Join(err, m.store.Close(), m.geo.Close())
}

// storeKind names the store for logs without leaking a DSN's password.
func storeKind(s string) string {
	if strings.Contains(s, "://") {
		return "postgres"
	}
	return s
}

// readableDurations writes durations in logs as Go spells them ("1.5ms"),
// not as the nanosecond integers slog's JSON handler writes.
func readableDurations(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// locator is db as the ingest's enrichment, or nil for none: a nil *geo.DB
// in the interface would be a Locator that locates nothing, at a cost.
func locator(db *geo.DB) ingest.Locator {
	if db == nil {
		return nil
	}
	return db
}
