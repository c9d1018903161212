package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/awsapi"
	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
	"github.com/detective-local/detective-local/internal/ingestapi"
	"github.com/detective-local/detective-local/internal/investigate"
	"github.com/detective-local/detective-local/internal/s3source"
	"github.com/detective-local/detective-local/internal/sigv4"
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
	ReadHeaderTimeout  time.Duration
	BodyReadTimeout    time.Duration
	MaxSlowBodies      int
	MaxHeaderBytes     int
	// GCPercent is the garbage collector's target (GOGC's meaning: heap
	// growth between collections, in percent; -1 turns it off).
	// gcPercentSet says the flag or its variable set it; otherwise a
	// GOGC in the environment wins (see gcPercent).
	GCPercent    int
	gcPercentSet bool

	// Investigations: the engine's tables and the thresholds of its rules.
	ThreatIntel           []string
	ThreatIntelMinScore   int
	TTPMap                string
	GeoIPCity             string
	GeoIPASN              string
	InvestigationInterval time.Duration
	Baseline              time.Duration
	Training              time.Duration
	TravelKm              float64
	TravelKmh             float64
	GroupWindow           time.Duration
	GroupMinFindings      int
	SevereTactics         string
	// The data plane's ways in (dataplane.go).
	IngestMaxBytes    int64
	IngestBodyTimeout time.Duration
	IngestS3          []s3source.Location
	IngestS3Endpoint  string
	IngestS3Interval  time.Duration
	// What the behavior graphs keep: how long, and the daily volume above
	// which a graph ingests no more.
	Retention       time.Duration
	VolumeHardLimit int64
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
GET /_detective/graphs/{graphArn}/entities/{entity}, POST /_detective/jobs/run-investigations,
GET /_detective/graphs/{arn}/finding-groups,
GET /_detective/graphs/{arn}/investigations/{id}/explanation.

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
	var c Config
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free port)")
	fs.StringVar(&c.DataDir, "data-dir", "data", "directory of the embedded SQLite database (created if missing)")
	fs.StringVar(&c.Store, "store", "sqlite", "where state lives: sqlite (in --data-dir), memory (lost on exit), or a postgres://… DSN")
	fs.StringVar(&c.Seed, "seed", "", "JSON seed file declaring accounts (e-mail, GuardDuty, volume), organizations and credentials (access key → account, secret)")
	fs.BoolVar(&c.VerifySignatures, "verify-signatures", false, "require a valid SigV4 signature by a key from the seed file (operator endpoints: by an operator key)")
	fs.StringVar(&c.DefaultAccount, "default-account", "000000000000", "account of unsigned requests and of unknown non-numeric access keys")
	fs.StringVar(&c.DefaultRegion, "default-region", "us-east-1", "region of requests without a credential scope")
	fs.DurationVar(&c.VerificationDelay, "verification-delay", 0, "how long new members stay VERIFICATION_IN_PROGRESS (0: until the next read)")
	fs.DurationVar(&c.InvestigationDelay, "investigation-delay", 0, "least time investigations are reported RUNNING, however soon they are computed (0: until computed)")
	fs.DurationVar(&c.AutoEnableInterval, "auto-enable-interval", time.Hour, "how often ACCEPTED_BUT_DISABLED members are enabled where their graph has room (0: never)")
	fs.DurationVar(&c.OrgEventsInterval, "org-events-interval", time.Second, "how often organization changes (accounts joining or leaving) are applied to organization behavior graphs (0: never)")
	fs.Int64Var(&c.VolumeLimit, "volume-limit-bytes", detective.DefaultVolumeLimit, "daily data volume above which a behavior graph takes no new members")
	fs.DurationVar(&c.MaxSkew, "max-skew", 5*time.Minute, "allowed clock skew of signed requests (with --verify-signatures)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", awsapi.DefaultMaxBodyBytes, "largest request body accepted")
	fs.IntVar(&c.MemberLimit, "member-limit", detective.DefaultMemberLimit, "member accounts allowed per behavior graph")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug (every request), info, warn, error")
	fs.StringVar(&c.LogFormat, "log-format", "json", "log format: json or text")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to let in-flight requests finish on SIGTERM")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", 10*time.Second, "how long a client may take to send a request's headers")
	fs.DurationVar(&c.BodyReadTimeout, "body-read-timeout", 30*time.Second, "how long a client may take to send a request's body")
	fs.IntVar(&c.MaxSlowBodies, "max-slow-bodies", 256, "request bodies read at once; more wait a tenth of their body deadline for a slot, then get 503")
	fs.IntVar(&c.MaxHeaderBytes, "max-header-bytes", 64<<10, "largest request header block answered (larger: 431 in the service's own error shape)")
	fs.IntVar(&c.GCPercent, "gc-percent", defaultGCPercent, "garbage collector target, as GOGC (-1: off); when not set, a GOGC environment variable wins")
	settings := investigate.DefaultSettings()
	fs.Func("threat-intel", "threat list file: an IP or CIDR per line, optional second column a score (repeatable)", func(v string) error {
		c.ThreatIntel = append(c.ThreatIntel, v)
		return nil
	})
	fs.IntVar(&c.ThreatIntelMinScore, "threat-intel-min-score", settings.ThreatMinScore, "least score (lists an address is on) that flags it")
	fs.StringVar(&c.TTPMap, "ttp-map", "", "TSV file of TTP mappings that add to or override the built-in table")
	fs.StringVar(&c.GeoIPCity, "geoip-city", "", "city .mmdb file(s), comma-separated, that locate ingested source addresses")
	fs.StringVar(&c.GeoIPASN, "geoip-asn", "", "ASN .mmdb or CSV file(s), comma-separated, that name ingested source addresses' ASOs")
	fs.DurationVar(&c.InvestigationInterval, "investigation-interval", time.Second, "how often RUNNING investigations started elsewhere are looked for (0: only those this replica starts)")
	fs.DurationVar(&c.Baseline, "investigation-baseline", settings.Baseline, "how far before scope start an entity's normal behaviour is read from")
	fs.DurationVar(&c.Training, "investigation-training", settings.Training, "data an account must have before scope start before anything counts as new (0: none)")
	fs.Float64Var(&c.TravelKm, "impossible-travel-km", settings.TravelMinDistanceKm, "least distance between two uses that can be impossible travel")
	fs.Float64Var(&c.TravelKmh, "impossible-travel-kmh", settings.TravelMinSpeedKmh, "speed above which travel between two uses is impossible")
	fs.DurationVar(&c.GroupWindow, "finding-group-window", settings.GroupWindow, "how close in time findings sharing an entity must be to form a finding group")
	fs.IntVar(&c.GroupMinFindings, "finding-group-min-findings", settings.GroupMinFindings, "findings that make a finding group (fewer are RELATED_FINDING only)")
	fs.StringVar(&c.SevereTactics, "severe-tactics", strings.Join(settings.SevereTactics, ","), "ATT&CK tactics whose successful calls make an investigation HIGH, comma-separated")
	fs.DurationVar(&c.Retention, "retention", ingest.DefaultRetention, "how long ingested data (behavior graph aggregates) is kept; older hours are deleted hourly")
	fs.Int64Var(&c.VolumeHardLimit, "volume-hard-limit-bytes", ingest.DefaultVolumeHardLimit, "daily volume of a behavior graph above which it ingests no more records (history is kept); AWS stops at 4.5 TB")
	fs.Int64Var(&c.IngestMaxBytes, "ingest-max-bytes", ingestapi.DefaultMaxBytes, "largest body of POST /_detective/ingest (a log file, streamed; --max-body-bytes does not apply)")
	fs.DurationVar(&c.IngestBodyTimeout, "ingest-body-timeout", 2*time.Hour, "how long the body of POST /_detective/ingest may take to arrive (it is read as fast as it is ingested; --body-read-timeout does not apply)")
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
	fs.StringVar(&c.IngestS3Endpoint, "ingest-s3-endpoint", "", "URL of an S3-compatible endpoint for --ingest-s3 (path-style); default: AWS")
	fs.DurationVar(&c.IngestS3Interval, "ingest-s3-interval", time.Minute, "how often --ingest-s3 locations are listed for new objects")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, errHelp
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if err := applyEnvironment(fs, getenv); err != nil {
		return c, err
	}
	fs.Visit(func(f *flag.Flag) { c.gcPercentSet = c.gcPercentSet || f.Name == "gc-percent" })
	return c, c.check()
}

// envName is the environment variable of a flag: DETECTIVE_<FLAG>, upper
// case, '-' as '_'.
func envName(flagName string) string {
	return "DETECTIVE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnvironment sets every flag the command line left alone from its
// environment variable, parsed exactly as the flag would parse it (a
// boolean with strconv.ParseBool), so that a value the flag would refuse
// is refused rather than read as the default. It runs after the command
// line is parsed, so that --help and an overriding flag work whatever the
// environment holds.
func applyEnvironment(fs *flag.FlagSet, getenv func(string) string) error {
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		v := getenv(envName(f.Name))
		if v == "" || onCommandLine[f.Name] {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", envName(f.Name), v, err))
		}
	})
	return errors.Join(errs...)
}

// check refuses values outside each setting's range, naming the flag.
func (c Config) check() error {
	var errs []error
	bad := func(cond bool, flagName, want string) {
		if cond {
			errs = append(errs, fmt.Errorf("--%s (or %s): want %s", flagName, envName(flagName), want))
		}
	}
	bad(c.Addr == "", "addr", "host:port")
	bad(!detective.AccountID(c.DefaultAccount).Valid(), "default-account", "12 digits")
	bad(!sigv4.ValidRegion(c.DefaultRegion), "default-region", "a region code such as us-east-1")
	bad(c.VerificationDelay < 0, "verification-delay", "a duration of 0 or more")
	bad(c.InvestigationDelay < 0, "investigation-delay", "a duration of 0 or more")
	bad(c.AutoEnableInterval < 0, "auto-enable-interval", "a duration of 0 (never) or more")
	bad(c.OrgEventsInterval < 0, "org-events-interval", "a duration of 0 (never) or more")
	bad(c.VolumeLimit < 0, "volume-limit-bytes", "0 or more bytes")
	bad(c.MaxSkew <= 0, "max-skew", "a positive duration")
	bad(c.MaxBodyBytes < 1 || c.MaxBodyBytes > maxBodyBytesLimit, "max-body-bytes", fmt.Sprintf("1 to %d bytes", int64(maxBodyBytesLimit)))
	bad(c.MemberLimit < 1 || c.MemberLimit > maxMemberLimit, "member-limit", fmt.Sprintf("1 to %d", maxMemberLimit))
	bad(c.ShutdownTimeout < 0, "shutdown-timeout", "a duration of 0 or more")
	bad(c.ReadHeaderTimeout <= 0, "read-header-timeout", "a positive duration")
	bad(c.BodyReadTimeout <= 0, "body-read-timeout", "a positive duration")
	bad(c.MaxSlowBodies < 1, "max-slow-bodies", "1 or more")
	bad(c.MaxHeaderBytes < minHeaderBytes || c.MaxHeaderBytes > maxHeaderBytesLimit, "max-header-bytes",
		fmt.Sprintf("%d to %d bytes", minHeaderBytes, maxHeaderBytesLimit))
	bad(c.GCPercent < -1, "gc-percent", "-1 (off) or more")
	bad(c.ThreatIntelMinScore < 1, "threat-intel-min-score", "1 or more")
	bad(c.InvestigationInterval < 0, "investigation-interval", "a duration of 0 or more")
	bad(c.Baseline <= 0 || c.Baseline > maxBaseline, "investigation-baseline", "a positive duration up to "+maxBaseline.String())
	bad(c.Training < 0 || c.Training > maxBaseline, "investigation-training", "a duration of 0 to "+maxBaseline.String())
	bad(!(c.TravelKm > 0 && c.TravelKm <= maxTravelKm), "impossible-travel-km", fmt.Sprintf("more than 0 and at most %d km", maxTravelKm))
	bad(!(c.TravelKmh > 0 && c.TravelKmh <= maxTravelKmh), "impossible-travel-kmh", fmt.Sprintf("more than 0 and at most %d km/h", maxTravelKmh))
	bad(c.GroupWindow < 0 || c.GroupWindow > maxBaseline, "finding-group-window", "a duration of 0 to "+maxBaseline.String())
	bad(c.GroupMinFindings < 1, "finding-group-min-findings", "1 or more")
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	bad(c.LogFormat != "json" && c.LogFormat != "text", "log-format", "json or text")
	bad(c.IngestMaxBytes < 1, "ingest-max-bytes", "1 or more bytes")
	bad(c.Retention < time.Hour, "retention", "an hour or more")
	bad(c.VolumeHardLimit < 1, "volume-hard-limit-bytes", "1 or more bytes")
	bad(c.IngestBodyTimeout <= 0, "ingest-body-timeout", "a positive duration")
	bad(c.IngestS3Interval <= 0, "ingest-s3-interval", "a positive duration")
	if u, err := url.Parse(c.IngestS3Endpoint); c.IngestS3Endpoint != "" && (err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https")) {
		bad(true, "ingest-s3-endpoint", "an http(s) URL")
	}
	return errors.Join(errs...)
}

// The ranges of the settings that have an upper bound: beyond them a
// value is a typo (a body of more than 1 GiB buffered in memory, a graph
// of more than a million members) rather than a wish.
const (
	maxBodyBytesLimit   = 1 << 30
	maxMemberLimit      = 1_000_000
	minHeaderBytes      = 4 << 10
	maxHeaderBytesLimit = 4 << 20
	// maxBaseline is a year: Detective keeps a year of data.
	maxBaseline = 366 * 24 * time.Hour
	// maxTravelKm is half the earth's circumference: no two places are
	// farther apart. maxTravelKmh is about orbital speed.
	maxTravelKm  = 20_038
	maxTravelKmh = 30_000
)

// defaultGCPercent is the collector's target unless told otherwise. The
// live heap is a few MB, so at Go's 100 the collector ran every few
// hundred requests; at 400 a fifth as often, which took about a fifth
// of BenchmarkGetMembersHandler's CPU time per request, for a loaded
// heap some 12 MiB larger and the same idle RSS (README, Performance).
const defaultGCPercent = 400

// gcPercent is the collector target c asks for, and whether to set it:
// not when c leaves it at its default and the environment has GOGC,
// which the runtime has already applied.
func (c Config) gcPercent(getenv func(string) string) (int, bool) {
	if !c.gcPercentSet && getenv("GOGC") != "" {
		return 0, false
	}
	return c.GCPercent, true
}

// investigationSettings is the engine's thresholds as c sets them.
func (c Config) investigationSettings() investigate.Settings {
	s := investigate.DefaultSettings()
	s.Baseline, s.Training = c.Baseline, c.Training
	s.TravelMinDistanceKm, s.TravelMinSpeedKmh = c.TravelKm, c.TravelKmh
	s.ThreatMinScore = c.ThreatIntelMinScore
	s.GroupWindow, s.GroupMinFindings = c.GroupWindow, c.GroupMinFindings
	s.SevereTactics = nil
	for t := range strings.SplitSeq(c.SevereTactics, ",") {
		if t = strings.TrimSpace(t); t != "" {
			s.SevereTactics = append(s.SevereTactics, t)
		}
	}
	return s
}
