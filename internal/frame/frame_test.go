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
