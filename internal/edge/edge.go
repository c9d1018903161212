// Package edge bounds what one client can hold of the server before any
// service sees its request: how long its body may take to arrive (per
// route prefix, so that a streamed upload may take longer than an API
// call), how many bodies are read at once, and the header block the
// services answer (through frame.LimitHeaders). A client that trickles
// its body is cut off at its deadline, so it can neither hold a
// connection for minutes nor keep a graceful shutdown waiting. It imports
// frame and the standard library only.
package edge

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/detective-local/detective-local/internal/frame"
)

// Handler applies the bounds and hands the request to Next.
type Handler struct {
	Next http.Handler
	// BodyTimeout is how long a request's body may take to arrive,
	// counted from when its handler starts.
	BodyTimeout time.Duration
	// RouteBodyTimeouts overrides BodyTimeout for paths under a prefix
	// (the longest matching prefix wins), e.g. a bulk upload endpoint.
	RouteBodyTimeouts map[string]time.Duration
	// MaxBodies is how many request bodies may be read at once; a request
	// beyond it waits for a slot for a tenth of its body deadline, then
	// gets 503.
	MaxBodies int
	// MaxHeaderBytes is the largest header block the services answer.
	MaxHeaderBytes int

	once  sync.Once
	slots chan struct{}
	next  http.Handler
}

// slotWaitDivisor sets how long a request waits for a body slot: its body
// deadline divided by this.
const slotWaitDivisor = 10

func (h *Handler) init() {
	h.slots = make(chan struct{}, max(h.MaxBodies, 1))
	h.next = h.Next
	if h.MaxHeaderBytes > 0 {
		h.next = frame.LimitHeaders(h.Next, h.MaxHeaderBytes)
	}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.once.Do(h.init)
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		h.next.ServeHTTP(w, r)
		return
	}
	timeout := h.bodyTimeout(r.URL.Path)
	// Errors mean the connection cannot take deadlines (HTTP/2 over
	// some transports, tests' recorders): the body is then unbounded in
	// time but still counted.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
	if !h.takeSlot(w, r, timeout) {
		return
	}
	b := &slotBody{ReadCloser: r.Body, slots: h.slots}
	defer b.done()
	r.Body = b
	h.next.ServeHTTP(w, r)
}

// takeSlot takes a slot to read r's body in, or answers r and reports
// false.
func (h *Handler) takeSlot(w http.ResponseWriter, r *http.Request, timeout time.Duration) bool {
	select {
	case h.slots <- struct{}{}:
		return true // the usual case, without a timer
	default:
	}
	// A burst of ordinary requests may find every slot taken for a
	// moment, so a request waits a little for one; but not for long, or
	// slow clients holding every slot would hold the waiters too.
	ctx, cancel := context.WithTimeout(r.Context(), timeout/slotWaitDivisor)
	defer cancel()
	select {
	case h.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			busy(w)
		}
		return false
	}
}

// bodyTimeout is the body deadline of a path: its longest matching route
// prefix's, else BodyTimeout.
func (h *Handler) bodyTimeout(path string) time.Duration {
	d, best := h.BodyTimeout, -1
	for prefix, t := range h.RouteBodyTimeouts {
		if strings.HasPrefix(path, prefix) && len(prefix) > best {
			d, best = t, len(prefix)
		}
	}
	return d
}

// busy answers a request that found no slot to read its body in. Every
// service's error parser reads __type and message; ServiceUnavailable is
// the code AWS's SDKs retry with backoff.
func busy(w http.ResponseWriter) {
	w.Header().Set(frame.RequestIDHeader, frame.NewRequestID())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", "ServiceUnavailableException")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = io.WriteString(w, `{"__type":"ServiceUnavailableException","message":"Too many request bodies are being received; retry later"}`)
}

// slotBody gives its slot back as soon as the body is read to its end (or
// closed), so that a slot is held only while a body is arriving.
type slotBody struct {
	io.ReadCloser
	slots    chan struct{}
	released atomic.Bool
}

// done gives the slot back, once.
func (b *slotBody) done() {
	if b.released.CompareAndSwap(false, true) {
		<-b.slots
	}
}

func (b *slotBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.done()
	}
	return n, err
}

// Unwrap is the body b wraps (frame.Wrapper).
func (b *slotBody) Unwrap() io.ReadCloser { return b.ReadCloser }

func (b *slotBody) Close() error {
	b.done()
	return b.ReadCloser.Close()
}
