package sdkhttp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type writerToBody struct{ io.Reader }

func (writerToBody) WriteTo(io.Writer) (int64, error) { return 0, io.ErrUnexpectedEOF }
func (writerToBody) Close() error                     { return nil }

// TestDoHidesWriteTo: a body's WriteTo is never used, so a body whose
// WriteTo fails (as smithy-go's does once closed) still sends.
func TestDoHidesWriteTo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	req, err := http.NewRequest("POST", srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Body, req.ContentLength = writerToBody{strings.NewReader("hello")}, 5
	resp, err := New(srv.Client()).Do(req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); string(b) != "hello" {
		t.Errorf("echo = %q, want hello", b)
	}
}
