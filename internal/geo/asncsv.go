package geo

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
)

// asnTable is an ASN database read from ip-location-db's CSV
// (`ip_range_start,ip_range_end,asn,org`, inclusive ranges). Half a
// million ranges are kept as parallel arrays of fixed-size integers, with
// each distinct (number, organization) stored once, so the whole table
// is about 10 MB and a lookup is one binary search.
type asnTable struct {
	v4 rangeSet[uint32]
	v6 rangeSet[uint128]
	as []ASO
}

// uint128 is an IPv6 address as two big-endian halves, so that ranges
// compare as numbers.
type uint128 struct{ hi, lo uint64 }

func cmp128(a, b uint128) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	return cmp.Compare(a.lo, b.lo)
}

func v6key(ip netip.Addr) uint128 {
	b := ip.As16()
	return uint128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func v4key(ip netip.Addr) uint32 {
	b := ip.As4()
	return binary.BigEndian.Uint32(b[:])
}

// rangeSet is sorted, non-overlapping inclusive ranges [start[i], end[i]]
// with the index of their ASO.
type rangeSet[K any] struct {
	start, end []K
	as         []uint32
}

func (s *rangeSet[K]) add(start, end K, as uint32) {
	s.start = append(s.start, start)
	s.end = append(s.end, end)
	s.as = append(s.as, as)
}

// find returns the ASO index of the range holding k: the last range that
// starts at or before k, if it also ends at or after it.
func (s *rangeSet[K]) find(k K, compare func(a, b K) int) (uint32, bool) {
	i, found := slices.BinarySearchFunc(s.start, k, compare)
	if !found {
		i--
	}
	if i < 0 || compare(k, s.end[i]) > 0 {
		return 0, false
	}
	return s.as[i], true
}

// sort orders the ranges by start, for files that are not already sorted.
func (s *rangeSet[K]) sort(compare func(a, b K) int) {
	if slices.IsSortedFunc(s.start, compare) {
		return
	}
	idx := make([]int, len(s.start))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return compare(s.start[a], s.start[b]) })
	start, end, as := make([]K, len(idx)), make([]K, len(idx)), make([]uint32, len(idx))
	for i, j := range idx {
		start[i], end[i], as[i] = s.start[j], s.end[j], s.as[j]
	}
	s.start, s.end, s.as = start, end, as
}

// compact reallocates the arrays to their length: append leaves up to a
// quarter of them unused, which for half a million ranges is megabytes.
func (s *rangeSet[K]) compact() {
	s.start, s.end, s.as = exact(s.start), exact(s.end), exact(s.as)
}

func exact[E any](s []E) []E {
	out := make([]E, len(s))
	copy(out, s)
	return out
}

func loadASNCSV(path string) (*asnTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(path, err)
	}
	defer f.Close()
	t, err := parseASNCSV(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("geo: read %s: %w", path, err)
	}
	return t, nil
}

// parseASNCSV reads the CSV. A first line that does not start with an
// address is taken as a header and skipped; any other bad line is an
// error, because a silently half-read table would give wrong answers.
func parseASNCSV(r io.Reader) (*asnTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	t := &asnTable{}
	ids := map[ASO]uint32{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rec) < 3 {
			return nil, fmt.Errorf("line %d: want ip_range_start,ip_range_end,asn[,org], got %d fields", line, len(rec))
		}
		start, errStart := netip.ParseAddr(strings.TrimSpace(rec[0]))
		if errStart != nil && line == 1 {
			continue // header
		}
		end, errEnd := netip.ParseAddr(strings.TrimSpace(rec[1]))
		number, errNum := strconv.ParseUint(strings.TrimSpace(rec[2]), 10, 32)
		if err := errors.Join(errStart, errEnd, errNum); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		start, end = start.Unmap(), end.Unmap()
		if start.Is4() != end.Is4() || end.Less(start) {
			return nil, fmt.Errorf("line %d: %s-%s is not a range", line, start, end)
		}
		aso := ASO{Number: uint32(number)}
		if len(rec) > 3 {
			aso.Organization = strings.TrimSpace(rec[3])
		}
		id, ok := ids[aso]
		if !ok {
			// The csv reader's fields share one string per line: clone, or
			// every kept name would pin its whole line.
			aso.Organization = strings.Clone(aso.Organization)
			id = uint32(len(t.as))
			ids[aso] = id
			t.as = append(t.as, aso)
		}
		if start.Is4() {
			t.v4.add(v4key(start), v4key(end), id)
		} else {
			t.v6.add(v6key(start), v6key(end), id)
		}
	}
	t.v4.sort(cmp.Compare[uint32])
	t.v6.sort(cmp128)
	t.v4.compact()
	t.v6.compact()
	t.as = exact(t.as)
	return t, nil
}

func (t *asnTable) Close() error { return nil }

func (t *asnTable) asn(ip netip.Addr) (ASO, bool) {
	var (
		id uint32
		ok bool
	)
	if ip.Is4() {
		id, ok = t.v4.find(v4key(ip), cmp.Compare[uint32])
	} else {
		id, ok = t.v6.find(v6key(ip), cmp128)
	}
	if !ok || t.as[id].Number == 0 {
		return ASO{}, false
	}
	return t.as[id], true
}
