package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/awsapi"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingestapi"
	"github.com/detective-local/detective-local/internal/s3source"
)

// Config is everything the server is configured with. Each flag has an
// environment variable DETECTIVE_<FLAG> (upper case, '-' as '_') that sets
// its default.
type Config struct {
	Addr               string
	DataDir            string
	Store              string
	Seed               string
	VerifySignatures   bool
	DefaultAccount     string
	DefaultRegion      string
	VerificationDelay  time.Duration
	InvestigationDelay time.Duration
	AutoEnableInterval time.Duration
	OrgEventsInterval  time.Duration
	VolumeLimit        int64
	MaxSkew            time.Duration
	MaxBodyBytes       int64
	MemberLimit        int
	LogLevel           string
	LogFormat          string
	ShutdownTimeout    time.Duration
	// The data plane's ways in (ingest.go, dataplane.go).
	IngestMaxBytes   int64
	IngestS3         []s3source.Location
	IngestS3Endpoint string
	IngestS3Interval time.Duration
}

var errHelp = errors.New("help requested")

const usage = `detective-local serves the Amazon Detective API (rest-json, 2018-10-26) to
unmodified AWS clients: point any SDK, the AWS CLI or Terraform at it with an
endpoint URL. On the same endpoint it serves STS (GetCallerIdentity,
AssumeRole) and an AWS Organizations subset, so tools can build the
multi-account world themselves.

Usage:
  detective-local [flags]

The caller's account is the one a credential in the seed file maps the access
key to (or, for AssumeRole's temporary credentials, the role's account);
otherwise the access key ID itself when it is 12 digits; otherwise
--default-account. The region is the signature's credential-scope region.

Operator endpoints: GET /_detective/health, POST /_detective/reset,
GET|PUT /_detective/accounts[/{id}], GET|POST /_detective/organizations[/{id}],
GET /_detective/org-events, POST /_detective/ingest,
GET /_detective/graphs/{graphArn}/entities/{entity}.

Sending log files: detective-local ingest --help.

Flags (each also read from DETECTIVE_<NAME>, e.g. DETECTIVE_ADDR):
`

func parseConfig(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	fs := flag.NewFlagSet("detective-local", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, usage)
		fs.PrintDefaults()
	}
	env := func(name, def string) string {
		if v := getenv("DETECTIVE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); v != "" {
			return v
		}
		return def
	}
	var c Config
	var errs []error
	dur := func(name string, def time.Duration) time.Duration {
		d, err := time.ParseDuration(env(name, def.String()))
		if err != nil {
			errs = append(errs, fmt.Errorf("DETECTIVE_%s: %w", strings.ToUpper(strings.ReplaceAll(name, "-", "_")), err))
		}
		return d
	}
	num := func(name string, def int64) int64 {
		n, err := strconv.ParseInt(env(name, strconv.FormatInt(def, 10)), 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("DETECTIVE_%s: %w", strings.ToUpper(strings.ReplaceAll(name, "-", "_")), err))
		}
		return n
	}
	fs.StringVar(&c.Addr, "addr", env("addr", "127.0.0.1:8080"), "address to listen on (host:port; port 0 picks a free port)")
	fs.StringVar(&c.DataDir, "data-dir", env("data-dir", "data"), "directory of the embedded SQLite database (created if missing)")
	fs.StringVar(&c.Store, "store", env("store", "sqlite"), "where state lives: sqlite (in --data-dir), memory (lost on exit), or a postgres://… DSN")
	fs.StringVar(&c.Seed, "seed", env("seed", ""), "JSON seed file declaring accounts (e-mail, GuardDuty, volume), organizations and credentials (access key → account, secret)")
	fs.BoolVar(&c.VerifySignatures, "verify-signatures", env("verify-signatures", "false") == "true", "require a valid SigV4 signature by a key from the seed file")
	fs.StringVar(&c.DefaultAccount, "default-account", env("default-account", "000000000000"), "account of unsigned requests and of unknown non-numeric access keys")
	fs.StringVar(&c.DefaultRegion, "default-region", env("default-region", "us-east-1"), "region of requests without a credential scope")
	fs.DurationVar(&c.VerificationDelay, "verification-delay", dur("verification-delay", 0), "how long new members stay VERIFICATION_IN_PROGRESS (0: until the next read)")
	fs.DurationVar(&c.InvestigationDelay, "investigation-delay", dur("investigation-delay", 0), "how long investigations stay RUNNING (0: until the next read)")
	fs.DurationVar(&c.AutoEnableInterval, "auto-enable-interval", dur("auto-enable-interval", time.Hour), "how often ACCEPTED_BUT_DISABLED members are enabled where their graph has room (0: never)")
	fs.DurationVar(&c.OrgEventsInterval, "org-events-interval", dur("org-events-interval", time.Second), "how often organization changes (accounts joining or leaving) are applied to organization behavior graphs")
	fs.Int64Var(&c.VolumeLimit, "volume-limit-bytes", num("volume-limit-bytes", detective.DefaultVolumeLimit), "daily data volume above which a behavior graph takes no new members")
	fs.DurationVar(&c.MaxSkew, "max-skew", dur("max-skew", 5*time.Minute), "allowed clock skew of signed requests (with --verify-signatures)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", num("max-body-bytes", awsapi.DefaultMaxBodyBytes), "largest request body accepted")
	fs.IntVar(&c.MemberLimit, "member-limit", int(num("member-limit", detective.DefaultMemberLimit)), "member accounts allowed per behavior graph")
	fs.StringVar(&c.LogLevel, "log-level", env("log-level", "info"), "log level: debug (every request), info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", env("log-format", "json"), "log format: json or text")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", dur("shutdown-timeout", 10*time.Second), "how long to let in-flight requests finish on SIGTERM")
	fs.Int64Var(&c.IngestMaxBytes, "ingest-max-bytes", num("ingest-max-bytes", ingestapi.DefaultMaxBytes), "largest body of POST /_detective/ingest (a log file, streamed; --max-body-bytes does not apply)")
	fs.Func("ingest-s3", "s3://bucket/prefix to ingest log objects from, polled (repeatable, or comma-separated)", func(v string) error {
		for part := range strings.SplitSeq(v, ",") {
			loc, err := s3source.ParseLocation(strings.TrimSpace(part))
			if err != nil {
				return err
			}
			c.IngestS3 = append(c.IngestS3, loc)
		}
		return nil
	})
	if v := env("ingest-s3", ""); v != "" {
		errs = append(errs, fs.Set("ingest-s3", v))
	}
	fs.StringVar(&c.IngestS3Endpoint, "ingest-s3-endpoint", env("ingest-s3-endpoint", ""), "URL of an S3-compatible endpoint for --ingest-s3 (path-style); default: AWS")
	fs.DurationVar(&c.IngestS3Interval, "ingest-s3-interval", dur("ingest-s3-interval", time.Minute), "how often --ingest-s3 locations are listed for new objects")
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, errHelp
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if !detective.AccountID(c.DefaultAccount).Valid() {
		return c, fmt.Errorf("--default-account %q is not 12 digits", c.DefaultAccount)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return c, fmt.Errorf("--log-level: %w", err)
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return c, fmt.Errorf("--log-format %q: want json or text", c.LogFormat)
	}
	if c.IngestMaxBytes < 1 {
		return c, fmt.Errorf("--ingest-max-bytes %d: want 1 or more", c.IngestMaxBytes)
	}
	if c.IngestS3Interval <= 0 {
		return c, fmt.Errorf("--ingest-s3-interval %v: want a positive duration", c.IngestS3Interval)
	}
	if u, err := url.Parse(c.IngestS3Endpoint); c.IngestS3Endpoint != "" && (err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https")) {
		return c, fmt.Errorf("--ingest-s3-endpoint %q: want an http(s) URL", c.IngestS3Endpoint)
	}
	return c, nil
}
