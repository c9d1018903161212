// Package app assembles the whole detective-local server: on one store it
// builds the Detective, Organizations and STS services, the authenticator,
// the protocol handlers behind one dispatcher, the operator endpoints, the
// periodic jobs and the HTTP server. cmd/detective-local starts it from
// flags and environment; the end-to-end harness (internal/apitest) starts
// the same wiring, so that tests exercise what the binary runs.
//
// It imports every part of the server and the stores; only
// cmd/detective-local and internal/apitest import it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/awsapi"
	"github.com/detective-local/detective-local/internal/behavior"
	"github.com/detective-local/detective-local/internal/console"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/dispatch"
	"github.com/detective-local/detective-local/internal/edge"
	"github.com/detective-local/detective-local/internal/evidence"
	"github.com/detective-local/detective-local/internal/frame"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/investigate"
	"github.com/detective-local/detective-local/internal/metrics"
	"github.com/detective-local/detective-local/internal/operator"
	"github.com/detective-local/detective-local/internal/organizations"
	"github.com/detective-local/detective-local/internal/orgsapi"
	"github.com/detective-local/detective-local/internal/postgres"
	"github.com/detective-local/detective-local/internal/s3source"
	"github.com/detective-local/detective-local/internal/sqlite"
	"github.com/detective-local/detective-local/internal/sts"
	"github.com/detective-local/detective-local/internal/stsapi"
	"github.com/detective-local/detective-local/internal/threatintel"
	"github.com/detective-local/detective-local/internal/ttp"
	"github.com/detective-local/detective-local/internal/world"
)

// Store is what the server runs on: Detective's state and, through World,
// the multi-account world, in one database. sqlite.Store and postgres.Store
// are Stores.
type Store interface {
	detective.Store
	World() world.Store
}

// OpenStore opens the store spec names: "memory", "sqlite" (or "") for a
// database file in dataDir, which is created if need be, or a postgres://
// (postgresql://) DSN.
func OpenStore(ctx context.Context, spec, dataDir string) (Store, error) {
	switch {
	case spec == "memory":
		return sqlite.OpenMemory(ctx)
	case spec == "sqlite" || spec == "":
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		path := filepath.Join(dataDir, "detective.db")
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, explainSQLiteOpen(path, err)
		}
		return st, nil
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		st, err := postgres.Open(ctx, spec)
		if err != nil {
			return nil, explainPostgresOpen(err)
		}
		return st, nil
	}
	return nil, fmt.Errorf("--store %q: want sqlite, memory or a postgres:// DSN", spec)
}

// Config is how the server behaves. The zero value of a field is its
// default where one exists.
type Config struct {
	// Addr is the TCP address to listen on, e.g. ":8080" or
	// "127.0.0.1:0".
	Addr string
	// Clock drives every service and the signature clock skew; nil is the
	// wall clock.
	Clock detective.Clock
	// IDs makes graph and investigation IDs; nil is random ones.
	IDs detective.IDSource
	// Logger receives the request and job logs; nil discards them.
	Logger *slog.Logger

	// Seed is the world declared at start: account facts, organizations.
	// It is applied on start and is what the operator's reset restores.
	Seed organizations.Seed
	// Credentials maps access keys to accounts (and secrets).
	Credentials map[string]auth.Credential

	VerifySignatures bool
	DefaultAccount   detective.AccountID
	DefaultRegion    string
	MaxSkew          time.Duration
	MaxBodyBytes     int64

	VerificationDelay  time.Duration
	InvestigationDelay time.Duration
	MemberLimit        int
	VolumeLimit        int64

	// Investigation holds the thresholds of the indicator rules; nil is
	// investigate.DefaultSettings.
	Investigation *investigate.Settings
	// TTPs maps API calls to ATT&CK; nil is the embedded table.
	TTPs *ttp.Table
	// Threats are the threat lists; nil is none (the IPs that findings
	// name still count).
	Threats *threatintel.Set
	// Geo enriches ingested source addresses; nil enriches none.
	Geo ingest.Locator

	// AutoEnableInterval, OrgEventsInterval and InvestigationInterval run
	// the periodic jobs; 0 runs them only when the operator endpoints ask
	// (and, for investigations, when one starts in this process).
	AutoEnableInterval    time.Duration
	OrgEventsInterval     time.Duration
	InvestigationInterval time.Duration
	// ShutdownTimeout bounds how long Close waits for requests in flight;
	// at 0 it cuts them off.
	ShutdownTimeout time.Duration

	// Bounds on slow and oversized requests (0: the binary's
	// defaults): the header deadline, each body's deadline (per path
	// prefix in RouteBodyTimeouts, for endpoints that stream large
	// bodies), how many bodies are read at once, and the largest header
	// block the services answer.
	ReadHeaderTimeout time.Duration
	BodyReadTimeout   time.Duration
	RouteBodyTimeouts map[string]time.Duration
	MaxSlowBodies     int
	MaxHeaderBytes    int

	// The data plane's ways in (dataplane.go): the largest ingest body
	// (0: ingestapi.DefaultMaxBytes), and S3 locations to poll with an
	// S3-compatible endpoint ("" for AWS) every IngestS3Interval.
	IngestMaxBytes   int64
	IngestS3         []s3source.Location
	IngestS3Endpoint string
	IngestS3Interval time.Duration
	// Retention and VolumeHardLimit bound what the behavior graphs keep
	// and take (0: the ingest package's defaults).
	Retention       time.Duration
	VolumeHardLimit int64
}

// withDefaults fills the request bounds left at zero with the binary's
// defaults.
func (cfg Config) withDefaults() Config {
	if cfg.ReadHeaderTimeout == 0 {
		cfg.ReadHeaderTimeout = 10 * time.Second
	}
	if cfg.BodyReadTimeout == 0 {
		cfg.BodyReadTimeout = 30 * time.Second
	}
	if cfg.MaxSlowBodies == 0 {
		cfg.MaxSlowBodies = 256
	}
	if cfg.MaxHeaderBytes == 0 {
		cfg.MaxHeaderBytes = 64 << 10
	}
	if cfg.IngestS3Interval == 0 {
		cfg.IngestS3Interval = time.Minute
	}
	return cfg
}

// serverHeaderBytes is the header block net/http itself reads before
// answering 431 in plain text, with no handler run. It is far above
// Config.MaxHeaderBytes, so that every header block a client plausibly
// sends reaches the services, which refuse what passes MaxHeaderBytes in
// their own error shape.
const serverHeaderBytes = 4 << 20

// Server is the running server.
type Server struct {
	// Pipeline ingests log records into the store's behavior graphs, as
	// the ingest endpoint does; nil on a store that keeps none.
	Pipeline *ingest.Pipeline

	log             *slog.Logger
	http            *http.Server
	listener        net.Listener
	served          chan error
	stopJobs        context.CancelFunc
	jobs            sync.WaitGroup // the periodic jobs, which Close waits for so that none outlives the store
	shutdownTimeout time.Duration
}

// Start builds the server on store, applies cfg.Seed and starts serving. It
// returns once the listener accepts connections. The store stays the
// caller's to close, after Close.
func Start(ctx context.Context, store Store, cfg Config) (*Server, error) {
	clock := cfg.Clock
	if clock == nil {
		clock = detective.SystemClock{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	m := metrics.New(metrics.Gauges{Backlog: backlog(store), Investigations: investigationsByStatus(store), Log: log})
	// The behavior data is read from the store as opened: the counting
	// wrapper offers only Detective's and the world's interfaces.
	behaviorData := newProfiles(store, clock.Now)
	opened := store
	store = countedStore{Store: store, m: m}
	observe := func(o frame.Observation) { m.Request(o.Service, o.Op, o.Status, o.Elapsed) }
	orgs := organizations.NewService(store.World(), clock, organizations.RandomIDs{}, organizations.Config{})
	tokens := sts.NewService(store.World(), clock, sts.RandomKeys{})
	investigator, err := newInvestigator(opened, cfg)
	if err != nil {
		return nil, err
	}
	// started wakes the investigation job when this process starts an
	// investigation; one pending wake is enough, so a full channel drops.
	started := make(chan struct{}, 1)
	dcfg := detective.Config{
		Organizations:      orgs,
		VerificationDelay:  cfg.VerificationDelay,
		MemberLimit:        cfg.MemberLimit,
		VolumeLimit:        cfg.VolumeLimit,
		InvestigationDelay: cfg.InvestigationDelay,
		InvestigationStarted: func() {
			select {
			case started <- struct{}{}:
			default:
			}
		},
	}
	if investigator != nil {
		dcfg.Investigator = investigator
	}
	var ids detective.IDSource = detective.RandomIDs{}
	if cfg.IDs != nil {
		ids = cfg.IDs
	}
	svc := detective.NewService(readModel(store, opened), clock, ids, dcfg)
	if err := orgs.ApplySeed(ctx, cfg.Seed); err != nil {
		return nil, fmt.Errorf("apply seed file: %w", err)
	}
	data, err := newDataPlane(ctx, cfg, opened, clock, log, m)
	if err != nil {
		return nil, err
	}
	authn := &auth.Authenticator{
		Credentials:    cfg.Credentials,
		Sessions:       stsapi.Sessions(tokens),
		Verify:         cfg.VerifySignatures,
		DefaultAccount: cfg.DefaultAccount,
		DefaultRegion:  cfg.DefaultRegion,
		MaxSkew:        cfg.MaxSkew,
		Now:            clock.Now,
	}
	if cfg.VerifySignatures && len(cfg.Credentials) == 0 {
		log.Warn("--verify-signatures without credentials in a seed file: every request will be refused")
	}
	ops := operator.New(svc, orgs, cfg.Seed, log)
	if investigator != nil {
		ops.HandleInvestigations(func(ctx context.Context, graph arn.ARN) (any, error) {
			return investigator.FindingGroups(ctx, graph)
		})
	}
	mux := &dispatch.Handler{
		Operator:      (&operator.Guard{Auth: authn}).Wrap(data.route(ops)),
		Detective:     awsapi.NewServer(awsapi.Config{Service: svc, Auth: authn, Logger: log, MaxBodyBytes: cfg.MaxBodyBytes, Observe: observe}),
		STS:           stsapi.NewServer(stsapi.Config{Service: tokens, Auth: authn, Logger: log, Observe: observe}),
		Organizations: orgsapi.NewServer(orgsapi.Config{Service: orgs, Auth: authn, Logger: log, Observe: observe}),
		Metrics:       m.Handler(),
		Console: console.New(console.Config{Service: svc, Verify: cfg.VerifySignatures, DefaultRegion: cfg.DefaultRegion,
			Accounts: consoleAccounts(orgs, cfg.Credentials, cfg.DefaultAccount), Keys: consoleKeys(cfg.Credentials),
			Profiles: behaviorData, Now: clock.Now, Logger: log}),
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Pipeline: data.ingestPipeline(),
		log:      log,
		http: &http.Server{
			Handler: &edge.Handler{
				Next:              mux,
				BodyTimeout:       cfg.BodyReadTimeout,
				RouteBodyTimeouts: cfg.RouteBodyTimeouts,
				MaxBodies:         cfg.MaxSlowBodies,
				MaxHeaderBytes:    cfg.MaxHeaderBytes,
			},
			ReadHeaderTimeout: cfg.ReadHeaderTimeout,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    serverHeaderBytes,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		listener:        l,
		served:          make(chan error, 1),
		shutdownTimeout: cfg.ShutdownTimeout,
	}
	go func() { s.served <- s.http.Serve(l) }()
	jobs, stopJobs := context.WithCancel(context.Background())
	s.stopJobs = stopJobs
	if cfg.AutoEnableInterval > 0 {
		s.jobs.Go(func() { s.every(jobs, cfg.AutoEnableInterval, "enable waiting members", svc.EnableWaitingMembers) })
	}
	if cfg.OrgEventsInterval > 0 {
		s.jobs.Go(func() { s.every(jobs, cfg.OrgEventsInterval, "process organization events", svc.ProcessOrgEvents) })
	}
	if investigator != nil {
		s.jobs.Go(func() { s.investigations(jobs, cfg.InvestigationInterval, started, svc.RunInvestigations) })
	}
	data.run(jobs)
	return s, nil
}

// Addr is the address the server listens on, e.g. 127.0.0.1:8080.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// Close stops the jobs and accepting requests, lets in-flight requests
// finish, up to the shutdown timeout, and returns once the jobs have
// ended, so that the store may be closed.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout)
	defer cancel()
	s.stopJobs()
	defer s.jobs.Wait()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Body deadlines bound every request, but one may outlast the
		// shutdown timeout: cut it off rather than fail the exit.
		s.log.Warn("shutdown timeout passed; closing the connections still open")
		err = s.http.Close()
	}
	if serr := <-s.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// every runs job at each interval until ctx ends. Jobs are idempotent and
// serialized through the store, so every replica may run them.
func (s *Server) every(ctx context.Context, interval time.Duration, name string, job func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := job(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("periodic job failed", slog.String("job", name), slog.Any("err", err))
			}
		}
	}
}

// newInvestigator is the investigation engine over store's behavior
// graphs with cfg's tables and thresholds; nil for a store that keeps no
// behavior graphs (a test double of the control plane), whose
// investigations then complete at once with no indicators.
func newInvestigator(store Store, cfg Config) (*evidence.Investigator, error) {
	graphs, ok := store.(behavior.Store)
	if !ok {
		return nil, nil
	}
	settings := investigate.DefaultSettings()
	if cfg.Investigation != nil {
		settings = *cfg.Investigation
	}
	ttps := cfg.TTPs
	if ttps == nil {
		var err error
		if ttps, err = ttp.Load(); err != nil {
			return nil, fmt.Errorf("TTP table: %w", err)
		}
	}
	return &evidence.Investigator{
		Store:    evidence.Store{Behavior: graphs},
		TTPs:     evidence.TTPs{Table: ttps},
		Threats:  evidence.Threats{Lists: cfg.Threats},
		Settings: settings,
	}, nil
}

// investigations runs the investigation job when an investigation starts
// in this process and, when interval is set, at each interval too, for
// those other replicas started and those whose computing replica stopped.
func (s *Server) investigations(ctx context.Context, interval time.Duration, started <-chan struct{}, job func(context.Context) error) {
	var tick <-chan time.Time
	if interval > 0 {
		t := time.NewTicker(interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-started:
		case <-tick:
		}
		if err := job(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("investigation job", slog.Any("err", err))
		}
	}
}
