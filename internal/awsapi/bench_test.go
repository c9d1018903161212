package awsapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/detective-local/detective-local/internal/app"
	"github.com/detective-local/detective-local/internal/auth"
	"github.com/detective-local/detective-local/internal/awsapi"
	domain "github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/sqlite"
)

// BenchmarkGetMembersHandler measures the server's own cost of a
// GetMembers of 10 members (5 of them ENABLED, whose volume is measured)
// from a graph of 1,000, on a SQLite file, without network or client: the
// request is signed once and replayed.
func BenchmarkGetMembersHandler(b *testing.B) {
	benchGetMembers(b, true)
}

// BenchmarkGetMembersHandlerInvited is BenchmarkGetMembersHandler asking
// for 10 INVITED members, whose volume is not measured: the request path
// without the measured-volume query.
func BenchmarkGetMembersHandlerInvited(b *testing.B) {
	benchGetMembers(b, false)
}

// BenchmarkListMembersHandler measures the server's own cost of a
// ListMembers page of 200 (MaxResults 200) from the same graph of 1,000
// (5 of them ENABLED), as BenchmarkGetMembersHandler does.
func BenchmarkListMembersHandler(b *testing.B) {
	benchMembers(b, true, "/graph/members/list", func(graph string, _ []string) string {
		return fmt.Sprintf(`{"GraphArn":%q,"MaxResults":200}`, graph)
	}, `"NextToken":`)
}

func benchGetMembers(b *testing.B, enabled bool) {
	benchMembers(b, enabled, "/graph/members/get", func(graph string, ids []string) string {
		return fmt.Sprintf(`{"GraphArn":%q,"AccountIds":[%s]}`, graph, strings.Join(ids, ","))
	}, `"MemberDetails":[{`)
}

// benchMembers replays one signed request to path, whose body newBody
// makes from the graph and 10 of its members, against a graph of 1,000
// members on a SQLite file; the answer must hold want.
func benchMembers(b *testing.B, enabled bool, path string, newBody func(graph string, ids []string) string, want string) {
	store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "d.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	// The read model in front of the store, as internal/app wires it.
	svc := domain.NewService(app.ReadModel(store), domain.SystemClock{}, domain.RandomIDs{}, domain.Config{})
	srv := awsapi.NewServer(awsapi.Config{Service: svc, Auth: &auth.Authenticator{DefaultAccount: "000000000000", DefaultRegion: "us-east-1"}})
	c := domain.Caller{Account: admin, Region: "us-east-1"}
	g, err := svc.CreateGraph(ctx, c, domain.CreateGraphInput{})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for start := 0; start < 1000; start += 50 {
		var in []domain.AccountInput
		for i := start; i < start+50; i++ {
			in = append(in, domain.AccountInput{ID: domain.AccountID(memberID(i)), Email: "a@example.com"})
		}
		if _, err := svc.CreateMembers(ctx, c, domain.CreateMembersInput{Graph: g.GraphARN, Accounts: in}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < 10; i++ {
		id := memberID(i * 100)
		ids = append(ids, `"`+id+`"`)
		if enabled && i%2 == 0 {
			if err := svc.AcceptInvitation(ctx, domain.Caller{Account: domain.AccountID(id), Region: "us-east-1"}, g.GraphARN); err != nil {
				b.Fatal(err)
			}
		}
	}
	body := newBody(g.GraphARN.String(), ids)
	sum := sha256.Sum256([]byte(body))
	signed, _ := http.NewRequest("POST", "http://localhost"+path, strings.NewReader(body))
	signed.Header.Set("Content-Type", "application/json")
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: admin, SecretAccessKey: "s"}, signed,
		hex.EncodeToString(sum[:]), "detective", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := new(replayWriter)
		for pb.Next() {
			srv.ServeHTTP(w.reset(), replay(signed, body))
			// The answer's ends hold want: a scan of all of a page of
			// 200 would be a cost of the benchmark, not of the server.
			head, tail := w.body[:min(len(w.body), 256)], w.body[max(0, len(w.body)-256):]
			if w.code != 200 || !bytes.Contains(head, []byte(want)) && !bytes.Contains(tail, []byte(want)) {
				b.Fatalf("%s = %d %s", path, w.code, w.body)
			}
		}
	})
}

// replay returns a new request as net/http's server hands one to its
// handler: the request, its URL, its header (keys and values) and its
// body reader are new, as the server allocates them for every request;
// what the server keeps per connection (its read buffer) is not
// allocated. httptest.NewRequest would parse a request line through a
// new 4 KB reader on every call, which the server does not.
func replay(signed *http.Request, body string) *http.Request {
	u := *signed.URL
	return &http.Request{Method: signed.Method, URL: &u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: signed.Header.Clone(), Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
		Host: signed.Host, RemoteAddr: "127.0.0.1:1234", RequestURI: u.RequestURI()}
}

// replayWriter is a ResponseWriter that, as net/http's response does,
// gets a new header map for every request but writes into a buffer it
// keeps (net/http's per-connection writer), where httptest's recorder
// would grow a new one.
type replayWriter struct {
	header http.Header
	code   int
	body   []byte
}

func (w *replayWriter) reset() *replayWriter {
	w.header, w.code, w.body = make(http.Header), 0, w.body[:0]
	return w
}

func (w *replayWriter) Header() http.Header { return w.header }

func (w *replayWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *replayWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.body = append(w.body, b...)
	return len(b), nil
}

// BenchmarkHandlerHarness is the benchmarks' own cost per request: the
// request and writer they build (replay), answered by a handler that
// writes a fixed body of GetMembers' size and does nothing else. Subtract
// it from BenchmarkGetMembersHandler for the server's own cost.
func BenchmarkHandlerHarness(b *testing.B) {
	fixed := []byte(strings.Repeat("x", 3000))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"application/json"}
		w.WriteHeader(200)
		_, _ = w.Write(fixed)
	})
	body := strings.Repeat("y", 300)
	signed, _ := http.NewRequest("POST", "http://localhost/graph/members/get", strings.NewReader(body))
	signed.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: admin, SecretAccessKey: "s"}, signed,
		hex.EncodeToString(sum[:]), "detective", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.Run("replay", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			w := new(replayWriter)
			for pb.Next() {
				h.ServeHTTP(w.reset(), replay(signed, body))
				if w.code != 200 {
					b.Fatal(w.code)
				}
			}
		})
	})
	// What the benchmarks used before replay: httptest's request and
	// recorder.
	b.Run("httptest", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r := httptest.NewRequest("POST", "/graph/members/get", strings.NewReader(body))
				r.Header = signed.Header.Clone()
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
	})
}
