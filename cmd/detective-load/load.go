package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/detective"
)

const (
	region = "us-east-1"
	// requestTimeout bounds one request, so that a stuck server cannot
	// keep a worker, and so the run, going past its deadline for long.
	requestTimeout = 30 * time.Second
)

// cluster is the running servers and what clients need to reach them.
type cluster struct {
	servers   []*server
	transport *http.Transport
	http      sdkHTTPClient
	retries   atomic.Int64 // attempts retried by the retryer, over the whole run
}

func newCluster() *cluster {
	// The SDK's default transport, shared by every client so that, as in a
	// real SDK user, idle connections are pooled per host; but its 10 idle
	// connections per host would make workers beyond the 10th reconnect.
	tr := awshttp.NewBuildableClient().GetTransport()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 4096, 4096
	return &cluster{transport: tr, http: sdkHTTPClient{&http.Client{Transport: tr}}}
}

// sdkHTTPClient works around a client-side race that fails responses with
// "use of closed network connection". smithy-go wraps request bodies in a
// closer whose WriteTo returns io.EOF once closed, and closes it as soon as
// the response arrives. net/http's writeLoop, having sent the body, makes
// one more copy from it to check its length; when the server (on loopback,
// fast) answers first, that copy gets io.EOF as an error, and writeLoop
// closes the connection under the response being read. Hiding WriteTo
// makes that copy use Read, which reports EOF as io.Copy expects, at no
// cost. (A retry, as in internal/apitest, would resend writes the server
// has already applied: CreateMembers would then fail as a duplicate.)
type sdkHTTPClient struct{ c *http.Client }

func (h sdkHTTPClient) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = struct{ io.ReadCloser }{r.Body} // only Read and Close
	}
	return h.c.Do(r)
}

// closeIdle closes the clients' idle connections. Servers wait, on
// shutdown, for connections that never sent a request; the transport
// leaves some when a dial loses the race to a connection freed meanwhile.
func (c *cluster) closeIdle() { c.transport.CloseIdleConnections() }

// client returns a Detective client acting as account against server i
// (round-robin over the replicas).
func (c *cluster) client(account string, i int) *detective.Client {
	return detective.New(detective.Options{
		Region:       region,
		BaseEndpoint: aws.String("http://" + c.servers[i%len(c.servers)].addr),
		Credentials:  credentials.NewStaticCredentialsProvider(account, "secret-"+account, ""),
		HTTPClient:   c.http,
		Retryer:      c.retryer(),
	})
}

// retryer retries only "use of closed network connection", the race of
// aws-sdk-go-v2 issues #1825 and #2737, as internal/apitest's Retryer
// (test-only) does. sdkHTTPClient should prevent it, so retries are
// counted and reported. Anything the server sends, throttling included,
// fails on the first attempt so that it is counted.
func (c *cluster) retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
		o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if err != nil && strings.Contains(err.Error(), "use of closed network connection") {
				c.retries.Add(1)
				return aws.TrueTernary
			}
			return aws.FalseTernary
		})}
	})
}

// cpu returns the CPU time all servers have used.
func (c *cluster) cpu() (time.Duration, error) {
	var sum time.Duration
	for _, s := range c.servers {
		d, err := readCPU(s.cmd.Process.Pid)
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// worker is one client goroutine of a run. Its fields are its own, so it
// needs no locking.
type worker struct {
	scenario      int    // 1-based number of the scenario
	graph         string // ARN of the scenario's graph
	account       string // the worker's own member account
	admin, member *detective.Client
	rng           *rand.Rand

	latencies []time.Duration // of every request sent, failed or not
	errors    int
	firstErr  string
}

// call sends one request through fn, timing and counting it, and reports
// whether it succeeded. Requests cut short by ctx (an interrupt) are not
// counted: the run is abandoned anyway.
func (w *worker) call(ctx context.Context, op string, fn func(context.Context) error) bool {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	start := time.Now()
	err := fn(rctx)
	d := time.Since(start)
	cancel()
	if ctx.Err() != nil {
		return false
	}
	w.latencies = append(w.latencies, d)
	if err != nil {
		w.fail(op, err)
		return false
	}
	return true
}

func (w *worker) fail(op string, err error) {
	w.errors++
	if w.firstErr == "" {
		w.firstErr = op + ": " + err.Error()
	}
}

func (w *worker) reset() {
	w.latencies, w.errors, w.firstErr = w.latencies[:0], 0, ""
}

// measure runs scenario sc (its graph set up) at concurrency conc:
// first warmup, whose latencies are dropped but whose errors count, then
// the measured duration.
func (c *cluster) measure(ctx context.Context, sc scenario, graph string, conc int, warmup, duration time.Duration) (row, error) {
	workers := make([]*worker, conc)
	for i := range workers {
		workers[i] = &worker{
			scenario: sc.n, graph: graph, account: workerAccount(sc.n, i),
			admin:  c.client(sc.admin, i),
			member: c.client(workerAccount(sc.n, i), i),
			rng:    newRand(sc.n, i),
		}
	}
	r := row{Scenario: sc.name, Concurrency: conc}
	if warmup > 0 {
		drive(ctx, sc, workers, warmup)
		for _, w := range workers {
			r.WarmupErrors += w.errors
			if r.FirstError == "" {
				r.FirstError = w.firstErr
			}
			w.reset()
		}
	}
	srv0, err := c.cpu()
	if err != nil {
		return row{}, err
	}
	self0, err := selfCPU()
	if err != nil {
		return row{}, err
	}
	all0, err := machineCPU()
	if err != nil {
		return row{}, err
	}
	retries0 := c.retries.Load()
	start := time.Now()
	drive(ctx, sc, workers, duration)
	elapsed := time.Since(start)
	srv1, err := c.cpu()
	if err != nil {
		return row{}, err
	}
	self1, err := selfCPU()
	if err != nil {
		return row{}, err
	}
	all1, err := machineCPU()
	if err != nil {
		return row{}, err
	}
	if err := ctx.Err(); err != nil {
		return row{}, err
	}
	var lat []time.Duration
	for _, w := range workers {
		lat = append(lat, w.latencies...)
		r.Errors += w.errors
		if r.FirstError == "" {
			r.FirstError = w.firstErr
		}
	}
	if len(lat) == 0 {
		return row{}, fmt.Errorf("%s at concurrency %d: no request completed in %v", sc.name, conc, duration)
	}
	slices.Sort(lat)
	r.Requests = len(lat)
	r.Seconds = elapsed.Seconds()
	r.RequestsPerSecond = float64(len(lat)) / elapsed.Seconds()
	r.P50Millis = millis(percentile(lat, 0.50))
	r.P99Millis = millis(percentile(lat, 0.99))
	r.Retries = c.retries.Load() - retries0
	r.ServerCPUMicros = micros(srv1-srv0) / float64(len(lat))
	r.ClientCPUMicros = micros(self1-self0) / float64(len(lat))
	others := (all1 - all0) - (srv1 - srv0) - (self1 - self0)
	r.OtherCores = max(0, others.Seconds()/elapsed.Seconds())
	return r, nil
}

// drive runs every worker's iterations until d has passed. An iteration
// that has started finishes, so the run overshoots d by at most one
// iteration's requests.
func drive(ctx context.Context, sc scenario, workers []*worker, d time.Duration) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				sc.iterate(ctx, w)
			}
		})
	}
	wg.Wait()
}

// percentile returns the nearest-rank q-quantile of sorted.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(float64(len(sorted))*q)) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// firstAnswer calls ListGraphs on s as fast as it can until one succeeds
// and returns when that was.
func (c *cluster) firstAnswer(ctx context.Context, i int) (time.Time, error) {
	cl := c.client("100000000000", i)
	deadline := time.Now().Add(startTimeout)
	var last error
	for time.Now().Before(deadline) {
		rctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := cl.ListGraphs(rctx, &detective.ListGraphsInput{})
		cancel()
		if err == nil {
			return time.Now(), nil
		}
		if ctx.Err() != nil {
			return time.Time{}, ctx.Err()
		}
		last = err
	}
	return time.Time{}, errors.Join(fmt.Errorf("%s: no answer to ListGraphs within %v", c.servers[i].name, startTimeout), last)
}
