package stream

import (
	"errors"
	"fmt"
	"io"
)

// window holds the unread part of a JSON stream, enough of it to parse
// the next value: never more than the record cap plus one read.
type window struct {
	r     io.Reader
	buf   []byte // buf[off:] is unread
	off   int
	base  int64 // the stream offset of buf[0]
	eof   bool
	max   int
	guess int // how much to offer the parser first: a few records' worth
}

// readChunk is how much window asks its reader for at a time.
const readChunk = 64 << 10

// minGuess is the least the parser is offered. The parser looks over
// all it is offered before parsing, so offering the whole buffer for
// every small record would cost more than the parse.
const minGuess = 4 << 10

func newWindow(r io.Reader, max int) *window {
	return &window{r: r, buf: make([]byte, 0, readChunk), max: max, guess: minGuess}
}

// readError is a failure of the underlying reader, which ends decoding
// with an error rather than a malformed record.
type readError struct{ err error }

func (e *readError) Error() string { return "read: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// tooLongError is a value that does not end within the record cap.
type tooLongError struct {
	max   int
	cause error
}

func (e *tooLongError) Error() string {
	return fmt.Sprintf("no complete value within %d bytes (%v)", e.max, e.cause)
}

func (w *window) offset() int64 { return w.base + int64(w.off) }

// fill reads more, first moving the unread bytes to the front and
// growing the buffer when they fill it.
func (w *window) fill() error {
	if w.eof {
		return nil
	}
	if w.off > 0 {
		n := copy(w.buf, w.buf[w.off:])
		w.base += int64(w.off)
		w.buf, w.off = w.buf[:n], 0
	}
	if cap(w.buf)-len(w.buf) < readChunk {
		grown := make([]byte, len(w.buf), 2*cap(w.buf)+readChunk)
		copy(grown, w.buf)
		w.buf = grown
	}
	n, err := w.r.Read(w.buf[len(w.buf):cap(w.buf)])
	w.buf = w.buf[:len(w.buf)+n]
	switch {
	case errors.Is(err, io.EOF):
		w.eof = true
	case err != nil:
		return &readError{err: err}
	}
	return nil
}

// next skips white space and returns the next byte without consuming
// it, or 0 at the end of the input.
func (w *window) next() (byte, error) {
	for {
		for w.off < len(w.buf) {
			c := w.buf[w.off]
			if !isSpace(c) {
				return c, nil
			}
			w.off++
		}
		if w.eof {
			return 0, nil
		}
		if err := w.fill(); err != nil {
			return 0, err
		}
	}
}

// parse runs parse, which parses one value from the start of the bytes
// it is given and returns what follows, over the unread bytes, and
// consumes the value. It returns the value's size without surrounding
// white space. A value cut short by the end of the buffer is retried
// with more; one that does not end within the cap is a *tooLongError.
func (w *window) parse(parse func([]byte) ([]byte, error)) (int64, error) {
	if _, err := w.next(); err != nil {
		return 0, err
	}
	offer := w.guess
	for {
		avail := w.buf[w.off:]
		b := avail[:min(len(avail), offer)]
		rest, err := parse(b)
		used := len(b) - len(rest)
		if isTypeError(err) && used == 0 {
			// A wrong-typed value the parser did not get past: going on
			// would read it again forever.
			return 0, fmt.Errorf("cannot skip a value: %s", err)
		}
		if err == nil || isTypeError(err) {
			size := used
			for size > 0 && isSpace(b[size-1]) {
				size--
			}
			w.off += used
			w.guess = max(minGuess, 4*size)
			return int64(size), err
		}
		switch {
		case len(b) < len(avail):
			offer = 4 * offer
		case w.eof:
			return 0, err
		case len(avail) > w.max:
			return 0, &tooLongError{max: w.max, cause: err}
		default:
			if ferr := w.fill(); ferr != nil {
				return 0, ferr
			}
			offer = len(w.buf) - w.off
		}
	}
}
