package threatintel

import (
	"cmp"
	"encoding/binary"
	"net/netip"
	"slices"
	"sync"

	"github.com/gaissmai/bart"
)

// Match says why an address is flagged: the list (file name, or the source
// given to Add) and its score.
type Match struct {
	List  string
	Score int
}

// Set is the loaded lists plus the addresses added since; Load makes one.
// It is safe for concurrent use, and Contains takes no lock for the
// loaded lists.
type Set struct {
	lists []string

	// Exact IPv4 addresses, sorted, with their entries: half the memory
	// of a map and as fast for a hundred thousand addresses.
	v4     []uint32
	v4Hits []entry
	v6     map[netip.Addr]entry
	cidrs  *bart.Table[entry]

	mu    sync.RWMutex
	added map[netip.Addr]Match
}

// entry is one listed address or prefix: the index of its list in
// Set.lists and its score.
type entry struct {
	list  uint32
	score int32
}

// stronger orders entries by score, then by the earlier list.
func (e entry) stronger(o entry) bool {
	return e.score > o.score || e.score == o.score && e.list < o.list
}

// Contains reports whether ip is listed, and the strongest match.
// IPv4-mapped IPv6 addresses are treated as the IPv4 address.
func (s *Set) Contains(ip netip.Addr) (Match, bool) {
	if s == nil || !ip.IsValid() {
		return Match{}, false
	}
	ip = ip.Unmap()
	best, found := s.exact(ip)
	if e, ok := s.strongestPrefix(ip); ok && (!found || e.stronger(best)) {
		best, found = e, true
	}
	m := Match{}
	if found {
		m = Match{List: s.lists[best.list], Score: int(best.score)}
	}
	s.mu.RLock()
	a, ok := s.added[ip]
	s.mu.RUnlock()
	if ok && (!found || a.Score > m.Score) {
		return a, true
	}
	return m, found
}

// strongestPrefix finds the strongest of the prefixes holding ip. The
// longest-prefix match alone is not it: a /16 on many lists outranks a
// /24 on one.
func (s *Set) strongestPrefix(ip netip.Addr) (entry, bool) {
	// Most addresses are in no prefix; the LPM lookup says so quickly.
	if _, ok := s.cidrs.Lookup(ip); !ok {
		return entry{}, false
	}
	var best entry
	found := false
	for _, e := range s.cidrs.Supernets(netip.PrefixFrom(ip, ip.BitLen())) {
		if !found || e.stronger(best) {
			best, found = e, true
		}
	}
	return best, found
}

func (s *Set) exact(ip netip.Addr) (entry, bool) {
	if ip.Is4() {
		i, ok := slices.BinarySearch(s.v4, v4key(ip))
		if !ok {
			return entry{}, false
		}
		return s.v4Hits[i], true
	}
	e, ok := s.v6[ip]
	return e, ok
}

// Add flags ip as named by source (for example a GuardDuty finding's
// ARN), with score 1. Loaded lists stay as they are: a stronger listed
// match is still reported first.
func (s *Set) Add(ip netip.Addr, source string) {
	if !ip.IsValid() {
		return
	}
	ip = ip.Unmap()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.added[ip]; !ok {
		s.added[ip] = Match{List: source, Score: 1}
	}
}

// Len is the number of listed addresses and prefixes, for start-up logs.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.v4) + len(s.v6) + s.cidrs.Size() + len(s.added)
}

func v4key(ip netip.Addr) uint32 {
	b := ip.As4()
	return binary.BigEndian.Uint32(b[:])
}

// builder collects entries while lists are read, then lays them out for
// lookup.
type builder struct {
	set *Set
	v4  []v4entry
}

type v4entry struct {
	key uint32
	entry
}

func newBuilder() *builder {
	return &builder{set: &Set{v6: map[netip.Addr]entry{}, cidrs: &bart.Table[entry]{}, added: map[netip.Addr]Match{}}}
}

func (b *builder) addList(name string) uint32 {
	b.set.lists = append(b.set.lists, name)
	return uint32(len(b.set.lists) - 1)
}

func (b *builder) add(p netip.Prefix, e entry) {
	switch {
	case p.IsSingleIP() && p.Addr().Is4():
		b.v4 = append(b.v4, v4entry{v4key(p.Addr()), e})
	case p.IsSingleIP():
		if old, ok := b.set.v6[p.Addr()]; !ok || e.stronger(old) {
			b.set.v6[p.Addr()] = e
		}
	default:
		if old, ok := b.set.cidrs.Get(p); !ok || e.stronger(old) {
			b.set.cidrs.Insert(p, e)
		}
	}
}

func (b *builder) build() *Set {
	// Sort by address, strongest first, then keep the first of each.
	slices.SortFunc(b.v4, func(x, y v4entry) int {
		if c := cmp.Compare(x.key, y.key); c != 0 {
			return c
		}
		if x.stronger(y.entry) {
			return -1
		}
		if y.stronger(x.entry) {
			return 1
		}
		return 0
	})
	b.v4 = slices.CompactFunc(b.v4, func(x, y v4entry) bool { return x.key == y.key })
	s := b.set
	s.v4 = make([]uint32, len(b.v4))
	s.v4Hits = make([]entry, len(b.v4))
	for i, e := range b.v4 {
		s.v4[i], s.v4Hits[i] = e.key, e.entry
	}
	b.v4 = nil
	return s
}
