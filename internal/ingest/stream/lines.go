package stream

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// Lines reads newline-terminated records no longer than a cap. A longer
// line is reported through TooLong and skipped to its end, so one bad
// line never stops the rest of the file (a plain bufio.Scanner stops at
// the first ErrTooLong).
type Lines struct {
	sc       *bufio.Scanner
	max      int
	line     int64
	tooLong  bool // the current line exceeded max
	skipping bool // inside the rest of an over-long line
}

// NewLines reads r line by line, each line at most max bytes (without
// its line ending).
func NewLines(r io.Reader, max int) *Lines {
	l := &Lines{sc: bufio.NewScanner(r), max: max}
	l.sc.Buffer(make([]byte, 0, min(max+2, 64<<10)), max+2)
	l.sc.Split(l.split)
	return l
}

func (l *Lines) split(data []byte, atEOF bool) (int, []byte, error) {
	if l.skipping {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l.skipping = false
			return i + 1, nil, nil
		}
		if atEOF {
			l.skipping = false
		}
		return len(data), nil, nil
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line := dropCR(data[:i])
		if len(line) > l.max {
			l.tooLong = true
			return i + 1, data[:0], nil
		}
		return i + 1, line, nil
	}
	if len(data) > l.max+1 {
		l.tooLong, l.skipping = true, !atEOF
		return len(data), data[:0], nil
	}
	if atEOF && len(data) > 0 {
		line := dropCR(data)
		if len(line) > l.max {
			l.tooLong = true
			return len(data), data[:0], nil
		}
		return len(data), line, nil
	}
	return 0, nil, nil
}

func dropCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}

// Next advances to the next line. It returns false at the end of the
// input or on a read error, which Err then returns.
func (l *Lines) Next() bool {
	l.tooLong = false
	if !l.sc.Scan() {
		return false
	}
	l.line++
	return true
}

// Bytes is the current line without its line ending, valid until Next.
func (l *Lines) Bytes() []byte { return l.sc.Bytes() }

// Line is the 1-based number of the current line.
func (l *Lines) Line() int64 { return l.line }

// TooLong returns an error when the current line exceeded the cap (its
// bytes are then empty), nil otherwise.
func (l *Lines) TooLong() error {
	if l.tooLong {
		return fmt.Errorf("line %d is longer than %d bytes", l.line, l.max)
	}
	return nil
}

// Err is the read error that ended the input, nil at a clean end.
func (l *Lines) Err() error { return l.sc.Err() }
