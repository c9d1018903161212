package columncodec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
)

// EncodePackages is a member's package states as stored: "" when there are
// none, and otherwise a JSON array, in package order
// (detective.SortPackages), of one array per package:
//
//	[package, state, started, stopped, disabled, volumeBytes, volumeTime]
//
// Times are Unix milliseconds, the precision both stores keep, and null
// when zero ("never"), so that the zero time reads back as the zero time
// rather than as some instant in year 1 or 1970. Positions rather than
// keys keep the column small; JSON keeps it readable with the databases'
// own JSON functions. It does not change ps.
func EncodePackages(ps []detective.PackageState) (string, error) {
	if len(ps) == 0 {
		return "", nil
	}
	sorted := slices.Clone(ps)
	detective.SortPackages(sorted)
	b := make([]byte, 0, 96*len(sorted))
	b = append(b, '[')
	for i, p := range sorted {
		// Names are enum values; requiring them plain spares DecodePackages
		// JSON's escapes.
		if !plain(string(p.Package)) || !plain(string(p.State)) {
			return "", fmt.Errorf("package states: %q or %q is not a plain name", p.Package, p.State)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `["`...)
		b = append(b, p.Package...)
		b = append(b, `","`...)
		b = append(b, p.State...)
		b = append(b, `",`...)
		b = appendMillis(b, p.Started)
		b = append(b, ',')
		b = appendMillis(b, p.Stopped)
		b = append(b, ',')
		b = appendMillis(b, p.Disabled)
		b = append(b, ',')
		b = strconv.AppendInt(b, p.VolumeBytes, 10)
		b = append(b, ',')
		b = appendMillis(b, p.VolumeTime)
		b = append(b, ']')
	}
	b = append(b, ']')
	return string(b), nil
}

// DecodePackages is the inverse of EncodePackages, with times in UTC: nil
// for "", and the package states in the order stored otherwise. It reads
// exactly what EncodePackages writes (no spaces, no escapes) by hand,
// because it runs for every member a read returns: encoding/json took
// about nine times as long (BenchmarkDecodePackages), eating most of what
// the column saves over a row per package.
func DecodePackages(s string) ([]detective.PackageState, error) {
	if s == "" {
		return nil, nil
	}
	d := decoder{s: s}
	d.expect('[')
	if d.next(']') {
		return nil, d.end()
	}
	ps := make([]detective.PackageState, 0, len(detective.DatasourcePackages()))
	for {
		var p detective.PackageState
		d.expect('[')
		p.Package = detective.DatasourcePackage(d.str())
		d.expect(',')
		p.State = detective.IngestState(d.str())
		d.expect(',')
		p.Started = d.millis()
		d.expect(',')
		p.Stopped = d.millis()
		d.expect(',')
		p.Disabled = d.millis()
		d.expect(',')
		p.VolumeBytes = d.int()
		d.expect(',')
		p.VolumeTime = d.millis()
		d.expect(']')
		if d.err != nil {
			return nil, d.err
		}
		ps = append(ps, p)
		if !d.next(',') {
			break
		}
	}
	d.expect(']')
	return ps, d.end()
}

// PutPackages returns the encoded package states stored with ps put in:
// each state in ps replaces the stored state of its package (the last one
// wins if ps names a package twice), and packages not in ps keep theirs.
// It is PutMemberPackages for both stores.
func PutPackages(stored string, ps []detective.PackageState) (string, error) {
	if len(ps) == 0 {
		return stored, nil
	}
	current, err := DecodePackages(stored)
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if i := slices.IndexFunc(current, func(c detective.PackageState) bool { return c.Package == p.Package }); i >= 0 {
			current[i] = p
		} else {
			current = append(current, p)
		}
	}
	return EncodePackages(current)
}

// plain reports whether s needs no escaping in a JSON string.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// appendMillis appends t in Unix milliseconds, or null for the zero time.
func appendMillis(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, t.UnixMilli(), 10)
}

// decoder reads EncodePackages' output. The first error sticks; later
// reads then return zero values.
type decoder struct {
	s   string
	i   int
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("package states: malformed at byte %d of %q", d.i, d.s)
	}
}

// next consumes c if it comes next.
func (d *decoder) next(c byte) bool {
	if d.err == nil && d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *decoder) expect(c byte) {
	if !d.next(c) {
		d.fail()
	}
}

// end fails unless everything was read.
func (d *decoder) end() error {
	if d.i != len(d.s) {
		d.fail()
	}
	return d.err
}

func (d *decoder) str() string {
	d.expect('"')
	if d.err != nil {
		return ""
	}
	n := strings.IndexByte(d.s[d.i:], '"')
	if n < 0 || !plain(d.s[d.i:d.i+n]) {
		d.fail()
		return ""
	}
	v := d.s[d.i : d.i+n]
	d.i += n + 1
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	j := d.i
	if j < len(d.s) && d.s[j] == '-' {
		j++
	}
	for j < len(d.s) && '0' <= d.s[j] && d.s[j] <= '9' {
		j++
	}
	v, err := strconv.ParseInt(d.s[d.i:j], 10, 64)
	if err != nil {
		d.fail()
		return 0
	}
	d.i = j
	return v
}

func (d *decoder) millis() time.Time {
	if d.err == nil && strings.HasPrefix(d.s[d.i:], "null") {
		d.i += len("null")
		return time.Time{}
	}
	ms := d.int()
	if d.err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
