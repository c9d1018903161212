package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/awsapi"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/dispatch"
	"github.com/detective-local/detective-local/internal/operator"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/orgsapi"
	"github.com/detective-local/detective-local/internal/postgres"
	"github.com/detective-local/detective-local/internal/sqlite"
	"github.com/detective-local/detective-local/internal/sts"
	"github.com/detective-local/detective-local/internal/stsapi"
)

// Main is the whole server: store, service and HTTP. Tests run it on
// port 0 with a temporary data directory.
type Main struct {
	cfg      Config
	log      *slog.Logger
	store    detective.Store
	server   *http.Server
	listener net.Listener
	served   chan error
	stopJobs context.CancelFunc
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
	m.store, err = openStore(ctx, m.cfg)
	if err != nil {
		return err
	}
	orgs := organizations.NewService(m.store, detective.SystemClock{}, organizations.RandomIDs{}, organizations.Config{})
	tokens := sts.NewService(m.store, detective.SystemClock{}, sts.RandomKeys{})
	svc := detective.NewService(m.store, detective.SystemClock{}, detective.RandomIDs{}, detective.Config{
		Organizations:      orgs,
		VerificationDelay:  m.cfg.VerificationDelay,
		MemberLimit:        m.cfg.MemberLimit,
		VolumeLimit:        m.cfg.VolumeLimit,
		InvestigationDelay: m.cfg.InvestigationDelay,
	})
	if err := orgs.ApplySeed(ctx, sd.World); err != nil {
		m.store.Close()
		return fmt.Errorf("apply seed file: %w", err)
	}
	data, err := newDataPlane(ctx, m.cfg, m.store, m.log)
	if err != nil {
		m.store.Close()
		return err
	}
	authn := &auth.Authenticator{
		Credentials:    sd.Credentials,
		Sessions:       stsapi.Sessions(tokens),
		Verify:         m.cfg.VerifySignatures,
		DefaultAccount: detective.AccountID(m.cfg.DefaultAccount),
		DefaultRegion:  m.cfg.DefaultRegion,
		MaxSkew:        m.cfg.MaxSkew,
		Now:            time.Now,
	}
	if m.cfg.VerifySignatures && len(sd.Credentials) == 0 {
		m.log.Warn("--verify-signatures without credentials in a seed file: every request will be refused")
	}
	mux := &dispatch.Handler{
		Operator:      (&operator.Guard{Auth: authn}).Wrap(data.route(operator.New(svc, orgs, sd.World, m.log))),
		Detective:     awsapi.NewServer(awsapi.Config{Service: svc, Auth: authn, Logger: m.log, MaxBodyBytes: m.cfg.MaxBodyBytes}),
		STS:           stsapi.NewServer(stsapi.Config{Service: tokens, Auth: authn, Logger: m.log}),
		Organizations: orgsapi.NewServer(orgsapi.Config{Service: orgs, Auth: authn, Logger: m.log}),
	}
	m.listener, err = net.Listen("tcp", m.cfg.Addr)
	if err != nil {
		m.store.Close()
		return err
	}
	m.server = newHTTPServer(m.cfg, mux, m.log)
	m.served = make(chan error, 1)
	go func() { m.served <- m.server.Serve(m.listener) }()
	jobs, stopJobs := context.WithCancel(context.Background())
	m.stopJobs = stopJobs
	if m.cfg.AutoEnableInterval > 0 {
		go m.every(jobs, m.cfg.AutoEnableInterval, "enable waiting members", svc.EnableWaitingMembers)
	}
	if m.cfg.OrgEventsInterval > 0 {
		go m.every(jobs, m.cfg.OrgEventsInterval, "process organization events", svc.ProcessOrgEvents)
	}
	data.run(jobs)
	m.log.Info("listening", slog.String("addr", m.Addr()), slog.String("store", storeKind(m.cfg.Store)),
		slog.Bool("verify_signatures", m.cfg.VerifySignatures), slog.Duration("startup", time.Since(start)))
	return nil
}

// Addr is the address the server listens on, e.g. 127.0.0.1:8080.
func (m *Main) Addr() string { return m.listener.Addr().String() }

// Close stops accepting requests, lets in-flight ones finish (up to the
// shutdown timeout) and closes the store.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.ShutdownTimeout)
	defer cancel()
	m.log.Info("shutting down")
	m.stopJobs()
	err := m.server.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Body deadlines bound every request, but one may outlast the
		// shutdown timeout: cut it off rather than fail the exit.
		m.log.Warn("shutdown timeout passed; closing the connections still open")
		err = m.server.Close()
	}
	if serr := <-m.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, m.store.Close())
}

// every runs job at each interval until ctx ends. Jobs are idempotent and
// serialized through the store, so every replica may run them.
func (m *Main) every(ctx context.Context, interval time.Duration, name string, job func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := job(ctx); err != nil && ctx.Err() == nil {
				m.log.Error("periodic job failed", slog.String("job", name), slog.Any("err", err))
			}
		}
	}
}

func openStore(ctx context.Context, cfg Config) (detective.Store, error) {
	switch s := cfg.Store; {
	case s == "memory":
		return sqlite.OpenMemory(ctx)
	case s == "sqlite" || s == "":
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		path := filepath.Join(cfg.DataDir, "detective.db")
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, explainSQLiteOpen(path, err)
		}
		return st, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		st, err := postgres.Open(ctx, s)
		if err != nil {
			return nil, explainPostgresOpen(err)
		}
		return st, nil
	}
	return nil, fmt.Errorf("--store %q: want sqlite, memory or a postgres:// DSN", cfg.Store)
}

// storeKind names the store for logs without leaking a DSN's password.
func storeKind(s string) string {
	if strings.Contains(s, "://") {
		return "postgres"
	}
	return s
}
