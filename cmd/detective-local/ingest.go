package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/ingest"
)

// ingestConfig is what the ingest command is run with.
type ingestConfig struct {
	Endpoint  string
	Format    string
	Region    string
	Account   string
	AccessKey string
	SecretKey string
	JSON      bool
	Paths     []string
}

const ingestUsage = `detective-local ingest sends log files to a running detective-local, which
routes their records into the behavior graphs of their accounts and regions.

Usage:
  detective-local ingest [flags] PATH...

Each PATH is a file or a directory. Directories are walked in the layout AWS
delivers to S3, and account, region and format are read from it where a
flag does not set them:

  AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/....json.gz   (also organization trails)
  AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/....log.gz
  AWSLogs/<account>/GuardDuty/<region>/YYYY/MM/DD/....jsonl.gz

Formats: cloudtrail, vpcflow, guardduty, asff, eks-audit (gzip or not);
without --format or a layout, the server detects it from the content. Each
file is streamed in one POST /_detective/ingest. A progress bar shows on a
terminal, one line per file otherwise; a summary follows. The exit status is
1 when any file failed.

Flags (each also read from DETECTIVE_<NAME>, e.g. DETECTIVE_ENDPOINT):
`

// errFilesFailed says that some files could not be ingested; each was
// reported already.
var errFilesFailed = errors.New("some files were not ingested")

func parseIngestConfig(args []string, getenv func(string) string, out io.Writer) (ingestConfig, error) {
	fs := flag.NewFlagSet("detective-local ingest", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, ingestUsage)
		fs.PrintDefaults()
	}
	env := func(name, def string) string {
		if v := getenv("DETECTIVE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))); v != "" {
			return v
		}
		return def
	}
	var c ingestConfig
	fs.StringVar(&c.Endpoint, "endpoint", env("endpoint", "http://127.0.0.1:8080"), "URL of the detective-local server")
	fs.StringVar(&c.Format, "format", env("format", ""), "format of every file: cloudtrail, vpcflow, guardduty, asff or eks-audit (default: from the layout, else detected)")
	fs.StringVar(&c.Region, "region", env("region", ""), "region of records that do not name one (flow logs, EKS audit events); default: from the layout")
	fs.StringVar(&c.Account, "account", env("account", ""), "account of records that do not name one; default: from the layout")
	fs.StringVar(&c.AccessKey, "access-key", env("access-key", ""), "access key ID to sign requests with (SigV4), for a server that verifies signatures")
	fs.StringVar(&c.SecretKey, "secret-key", env("secret-key", ""), "secret access key of --access-key")
	fs.BoolVar(&c.JSON, "json", false, "print the summary as JSON, in the shape of the endpoint's answer")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, errHelp
		}
		return c, err
	}
	c.Paths = fs.Args()
	if len(c.Paths) == 0 {
		return c, errors.New("ingest: no files given (see --help)")
	}
	if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("ingest: --endpoint %q is not an http(s) URL", c.Endpoint)
	}
	if c.Account != "" && !detective.AccountID(c.Account).Valid() {
		return c, fmt.Errorf("ingest: --account %q is not 12 digits", c.Account)
	}
	if (c.AccessKey == "") != (c.SecretKey == "") {
		return c, errors.New("ingest: --access-key and --secret-key go together")
	}
	return c, nil
}

// runIngest is the ingest command: it sends every file and prints a
// summary on stdout; progress goes to stderr.
func runIngest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseIngestConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	files, err := collectFiles(cfg.Paths)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("ingest: no log files under the given paths")
	}
	c := &ingestClient{cfg: cfg, http: &http.Client{}}
	prog := newProgress(stderr, files)
	var sum ingestSummary
	for _, f := range files {
		prog.start(f)
		res, err := c.send(ctx, f, prog)
		prog.done(f, res, err)
		sum.add(f, res, err)
		if ctx.Err() != nil {
			break
		}
	}
	prog.finish()
	if err := sum.print(stdout, cfg.JSON); err != nil {
		return err
	}
	if sum.Failed > 0 || ctx.Err() != nil {
		return errFilesFailed
	}
	return nil
}

// ingestClient posts files to the ingest endpoint.
type ingestClient struct {
	cfg  ingestConfig
	http *http.Client
}

// send streams f to the server and returns its answer.
func (c *ingestClient) send(ctx context.Context, f logFile, prog progress) (ingest.Result, error) {
	file, err := os.Open(f.Path)
	if err != nil {
		return ingest.Result{}, err
	}
	defer file.Close()
	region := first(c.cfg.Region, f.Layout.Region)
	q := url.Values{"source": {f.Path}}
	for name, v := range map[string]string{
		"format":  first(c.cfg.Format, f.Layout.Format),
		"region":  region,
		"account": first(c.cfg.Account, f.Layout.Account),
	} {
		if v != "" {
			q.Set(name, v)
		}
	}
	u := strings.TrimSuffix(c.cfg.Endpoint, "/") + "/_detective/ingest?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, prog.reader(file))
	if err != nil {
		return ingest.Result{}, err
	}
	req.ContentLength = f.Size
	req.Header.Set("Content-Type", "application/octet-stream")
	if err := c.sign(ctx, req, first(region, "us-east-1")); err != nil {
		return ingest.Result{}, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return ingest.Result{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Message string }
		_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e) // the status says enough without it
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
		return ingest.Result{}, fmt.Errorf("%d: %s", resp.StatusCode, e.Message)
	}
	var res ingest.Result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return ingest.Result{}, fmt.Errorf("read the answer: %w", err)
	}
	return res, nil
}

// sign signs req with SigV4 for the server's "detective" service when
// keys are given. The body is a file, so it is signed as UNSIGNED-PAYLOAD
// rather than hashed in a first pass over it.
func (c *ingestClient) sign(ctx context.Context, req *http.Request, region string) error {
	if c.cfg.AccessKey == "" {
		return nil
	}
	const unsigned = "UNSIGNED-PAYLOAD"
	req.Header.Set("X-Amz-Content-Sha256", unsigned)
	creds := aws.Credentials{AccessKeyID: c.cfg.AccessKey, SecretAccessKey: c.cfg.SecretKey}
	return v4.NewSigner().SignHTTP(ctx, creds, req, unsigned, "detective", region, time.Now())
}

// first returns the first of vs that is not empty.
func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
