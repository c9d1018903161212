// Package frame is the per-request frame that every AWS protocol layer of
// the server (awsapi, orgsapi, stsapi) puts around an operation: a request
// ID, the bounded request body, panic recovery, a structured access log,
// and handing any error to the layer's own error encoding. It imports the
// standard library only.
package frame

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

// RequestIDHeader is the header that carries the request ID, which SDKs
// read as the request's ID (x-amzn-RequestId).
const RequestIDHeader = "X-Amzn-Requestid"

// Frame serves requests of one AWS service.
type Frame struct {
	Service string // for logs, e.g. "detective"
	Log     *slog.Logger
	MaxBody int64
	// JSONBody says every request body is empty or one JSON object (the
	// JSON protocols): anything else is refused with *BodyError before
	// the operation runs, also for operations that take no input.
	JSONBody bool
	// WriteError answers err in the layer's own protocol. It gets
	// *BodyError for a body that could not be read and an error that is
	// neither a *BodyError nor one of the layer's own for a panic.
	WriteError func(w http.ResponseWriter, r *http.Request, c *Call, err error)
	// Observe, when set, is told of every call once it is answered, for
	// metrics.
	Observe func(Observation)
}

// Observation is one answered call, as metrics count it.
type Observation struct {
	Service string
	Op      string // "" when no operation matched
	// Status is the HTTP status sent; StatusClientGone when the client
	// hung up before an answer was written.
	Status  int
	Elapsed time.Duration
}

// StatusClientGone is the status an Observation reports for a client that
// disconnected before any answer: nginx's 499, so that dashboards tell it
// apart from the server's own failures.
const StatusClientGone = 499

// Call is one request in its frame.
type Call struct {
	ID   string // the request ID
	Op   string // the operation, for logs; a handler may set it once known
	Body []byte // the whole request body
	// account and region are who called, for logs; a handler sets them
	// with SetCaller once authenticated.
	account, region string
}

// SetCaller records who called, for logs. The two are joined only when a
// log line is written.
func (c *Call) SetCaller(account, region string) { c.account, c.region = account, region }

// Caller is who called, for logs (e.g. "111111111111/us-east-1"); "" until
// SetCaller.
func (c *Call) Caller() string {
	if c.account == "" && c.region == "" {
		return ""
	}
	return c.account + "/" + c.region
}

// Error is an error of the protocol itself (routing, body, parsing) that
// never reaches a domain: what the JSON protocols (rest-json and JSON 1.1)
// send as the status, the error type and its message.
type Error struct {
	Status  int
	Type    string
	Message string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

// JSON is how the JSON protocols answer e.
func (e *BodyError) JSON() *Error {
	if e.Malformed {
		return &Error{http.StatusBadRequest, "SerializationException", "The request body is not a JSON object"}
	}
	if e.TooLarge {
		return &Error{http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
			fmt.Sprintf("Request body must be at most %d bytes", e.Limit)}
	}
	return &Error{http.StatusBadRequest, "SerializationException", "Could not read the request body"}
}

// BodyError is a request body that could not be read.
type BodyError struct {
	TooLarge  bool  // longer than Limit
	Limit     int64 // the body limit
	Malformed bool  // read, but not the JSON object the protocol needs
}

func (e *BodyError) Error() string {
	if e.TooLarge {
		return fmt.Sprintf("request body must be at most %d bytes", e.Limit)
	}
	if e.Malformed {
		return "the request body is not a JSON object"
	}
	return "could not read the request body"
}

// served is one request's state in the frame, allocated once: the call,
// the writer that remembers the status, the body handed on, and the
// request ID's header value.
type served struct {
	call     Call
	sw       statusWriter
	body     bodyReader
	idHeader [1]string
}

// Wrapper is a request body that wraps another, as edge's does: Serve
// unwraps it to find the server's own body.
type Wrapper interface {
	Unwrap() io.ReadCloser
}

// closeRead closes the server's own request body once it has been read to
// its end, so that net/http, which does not look into a body a handler
// replaced, need not drain it again before the answer. It returns that
// body, for restoreBody.
func closeRead(body io.ReadCloser) io.ReadCloser {
	for {
		w, ok := body.(Wrapper)
		if !ok {
			break
		}
		body = w.Unwrap()
	}
	_ = body.Close() // read to its end: nothing is left to fail
	return body
}

// Serve reads r's body (at most f.MaxBody bytes; r.Body is left readable
// again until the answer is written) and runs h for operation op, then
// logs the call. An error from h,
// the body or a panic goes to f.WriteError.
func (f *Frame) Serve(w http.ResponseWriter, r *http.Request, op string, h func(http.ResponseWriter, *http.Request, *Call) error) {
	start := time.Now()
	st := &served{call: Call{ID: NewRequestID(), Op: op}, sw: statusWriter{ResponseWriter: w, r: r}}
	c, sw := &st.call, &st.sw
	st.idHeader[0] = c.ID
	w.Header()[RequestIDHeader] = st.idHeader[:]
	defer func() {
		sw.restoreBody()
		if p := recover(); p != nil {
			f.Log.ErrorContext(r.Context(), "panic", slog.String("service", f.Service), slog.String("op", c.Op),
				slog.String("request_id", c.ID), slog.Any("panic", p))
			if sw.status == 0 {
				f.WriteError(sw, r, c, fmt.Errorf("panic: %v", p))
			}
		}
		elapsed := time.Since(start)
		// The access log's attributes cost more than the rest of the
		// frame; build them only for a logger that keeps them.
		if f.Log.Enabled(r.Context(), slog.LevelDebug) {
			f.Log.DebugContext(r.Context(), "request", slog.String("service", f.Service), slog.String("op", c.Op),
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
				slog.String("caller", c.Caller()), slog.String("error", sw.Header().Get("X-Amzn-ErrorType")),
				slog.String("request_id", c.ID), slog.Duration("elapsed", elapsed))
		}
		if f.Observe != nil {
			status := sw.status
			if status == 0 {
				status = StatusClientGone
			}
			f.Observe(Observation{Service: f.Service, Op: c.Op, Status: status, Elapsed: elapsed})
		}
	}()
	if HeadersTooLarge(r) {
		f.WriteError(sw, r, c, ErrHeadersTooLarge)
		return
	}
	body, err := f.readBody(sw, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		err = &BodyError{TooLarge: errors.As(err, &tooBig), Limit: f.MaxBody}
	} else if f.JSONBody && !isJSONObject(body) {
		err = &BodyError{Malformed: true, Limit: f.MaxBody}
	} else {
		c.Body = body
		st.body.Reader.Reset(body)
		if r.Body != nil && r.Body != http.NoBody {
			sw.readBody = closeRead(r.Body)
		}
		r.Body = &st.body
		err = h(sw, r, c)
	}
	if err != nil && ClientGone(r, err) {
		// Nothing can reach a client that hung up, and it is no fault
		// of the server's.
		f.Log.InfoContext(r.Context(), "client disconnected", slog.String("service", f.Service), slog.String("op", c.Op),
			slog.String("request_id", c.ID), slog.Duration("elapsed", time.Since(start)))
		return
	}
	if err != nil {
		f.WriteError(sw, r, c, err)
	}
}

// readBody reads r's whole body, at most f.MaxBody bytes. A body whose
// length is declared within the limit is read into a buffer of exactly
// that size (net/http stops its reader there); any other goes through
// http.MaxBytesReader, which also closes the connection after a body
// that passes the limit.
func (f *Frame) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if n := r.ContentLength; n >= 0 && n <= f.MaxBody {
		body := make([]byte, n)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			return nil, err
		}
		return body, nil
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, f.MaxBody))
}

// bodyReader is the request body a handler reads after the frame has.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

// ClientGone reports whether err is only the consequence of r's client
// disconnecting (its context canceled), not a failure of the server.
func ClientGone(r *http.Request, err error) bool {
	return errors.Is(r.Context().Err(), context.Canceled) && errors.Is(err, context.Canceled)
}

// NewRequestID returns a new request ID in the UUID form AWS uses. It
// only has to be unique, not secret: the runtime's per-thread generator,
// seeded from the system's entropy, serves it without a system call.
func NewRequestID() string {
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], rand.Uint64())
	binary.BigEndian.PutUint64(raw[8:], rand.Uint64())
	var b [36]byte
	hex.Encode(b[0:8], raw[0:4])
	hex.Encode(b[9:13], raw[4:6])
	hex.Encode(b[14:18], raw[6:8])
	hex.Encode(b[19:23], raw[8:10])
	hex.Encode(b[24:36], raw[10:16])
	b[8], b[13], b[18], b[23] = '-', '-', '-', '-'
	return string(b[:])
}

// statusWriter remembers the status written, for logs and panic recovery.
// Before the answer is written it gives r back the server's own body, read
// and closed (readBody), in place of the frame's copy: net/http, writing
// the answer's header, drains the body of a request unless it is its own
// and closed.
type statusWriter struct {
	http.ResponseWriter
	status   int
	r        *http.Request
	readBody io.ReadCloser
}

// restoreBody gives r its own body back, once.
func (w *statusWriter) restoreBody() {
	if w.readBody != nil {
		w.r.Body, w.readBody = w.readBody, nil
	}
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.restoreBody()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
		w.restoreBody()
	}
	return w.ResponseWriter.Write(b)
}
