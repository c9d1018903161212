package frame

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newFrame(got *error) *Frame {
	return &Frame{Service: "test", Log: slog.New(slog.DiscardHandler), MaxBody: 8,
		WriteError: func(w http.ResponseWriter, r *http.Request, c *Call, err error) {
			*got = err
			w.WriteHeader(599)
		}}
}

func TestServe(t *testing.T) {
	var got error
	f := newFrame(&got)
	w := httptest.NewRecorder()
	f.Serve(w, httptest.NewRequest("POST", "/", strings.NewReader("12345")), "Op", func(w http.ResponseWriter, r *http.Request, c *Call) error {
		again, _ := io.ReadAll(r.Body)
		if string(c.Body) != "12345" || string(again) != "12345" || c.Op != "Op" || len(c.ID) != 36 {
			t.Errorf("call = %+v, body again %q", c, again)
		}
		w.WriteHeader(204)
		return nil
	})
	if w.Code != 204 || got != nil || w.Header().Get(RequestIDHeader) == "" {
		t.Errorf("Serve = %d, error %v, request ID %q", w.Code, got, w.Header().Get(RequestIDHeader))
	}
}

func TestServeErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		h    func(http.ResponseWriter, *http.Request, *Call) error
		want func(error) bool
	}{
		{"too large", "123456789", nil, func(err error) bool {
			var be *BodyError
			return errors.As(err, &be) && be.TooLarge && be.Limit == 8
		}},
		{"handler error", "", func(http.ResponseWriter, *http.Request, *Call) error { return io.ErrUnexpectedEOF },
			func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"panic", "", func(http.ResponseWriter, *http.Request, *Call) error { panic("boom") },
			func(err error) bool { return err != nil && strings.Contains(err.Error(), "boom") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got error
			w := httptest.NewRecorder()
			h := tc.h
			if h == nil {
				h = func(http.ResponseWriter, *http.Request, *Call) error { t.Error("handler ran"); return nil }
			}
			newFrame(&got).Serve(w, httptest.NewRequest("POST", "/", strings.NewReader(tc.body)), "Op", h)
			if w.Code != 599 || !tc.want(got) {
				t.Errorf("Serve = %d, error %v", w.Code, got)
			}
		})
	}
}

// LimitHeaders' limit decides, below the default and above it.
func TestLimitHeaders(t *testing.T) {
	for _, tc := range []struct {
		limit, header int
		want          bool
	}{
		{100, 50, false}, {100, 200, true},
		{DefaultMaxHeaderBytes * 2, DefaultMaxHeaderBytes + 100, false},
		{DefaultMaxHeaderBytes * 2, DefaultMaxHeaderBytes*2 + 100, true},
	} {
		r := httptest.NewRequest("POST", "/", nil)
		r.Header.Set("X-Big", strings.Repeat("x", tc.header))
		var got bool
		LimitHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = HeadersTooLarge(r) }), tc.limit).
			ServeHTTP(httptest.NewRecorder(), r)
		if got != tc.want {
			t.Errorf("limit %d, header of %d bytes: HeadersTooLarge = %v, want %v", tc.limit, tc.header, got, tc.want)
		}
	}
}

// The request ID has the UUID form AWS uses and differs between calls.
func TestNewRequestID(t *testing.T) {
	a, b := NewRequestID(), NewRequestID()
	for _, id := range []string{a, b} {
		if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' || strings.Trim(id, "0123456789abcdef-") != "" {
			t.Errorf("NewRequestID() = %q, want the 8-4-4-4-12 hex form", id)
		}
	}
	if a == b {
		t.Errorf("NewRequestID() = %q twice", a)
	}
}

// wrapped is a body that wraps another, as edge's does.
type wrapped struct{ io.ReadCloser }

func (w wrapped) Unwrap() io.ReadCloser { return w.ReadCloser }

// TestServeClosesReadBody: once the answer is written, the request holds
// the server's own body again (through any Wrapper), read and closed, so
// that net/http has nothing left to drain; before, the handler can read
// it again.
func TestServeClosesReadBody(t *testing.T) {
	var got error
	f := newFrame(&got)
	f.MaxBody = 1 << 10
	for _, size := range []int{10, 3000} { // answers within and past net/http's buffer
		after := make(chan error, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = wrapped{r.Body}
			f.Serve(w, r, "Op", func(w http.ResponseWriter, r *http.Request, c *Call) error {
				if again, _ := io.ReadAll(r.Body); string(again) != "12345" {
					t.Errorf("body read again = %q", again)
				}
				_, _ = w.Write([]byte(strings.Repeat("x", size)))
				return nil
			})
			_, err := r.Body.Read(make([]byte, 1))
			after <- err
		}))
		resp, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader("12345"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if len(b) != size || got != nil {
			t.Errorf("answer of %d bytes: got %d bytes, error %v", size, len(b), got)
		}
		if err := <-after; !errors.Is(err, http.ErrBodyReadAfterClose) {
			t.Errorf("answer of %d bytes: reading the body after Serve = %v, want http.ErrBodyReadAfterClose", size, err)
		}
	}
}
