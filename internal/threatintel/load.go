package threatintel

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Load reads the lists at paths (each named in matches by its file name)
// and keeps scored entries whose score is at least minScore; unscored
// entries are always kept (see the package doc). No paths give an empty
// Set, ready for Add.
func Load(paths []string, minScore int) (*Set, error) {
	b := newBuilder()
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("threatintel: %w", err)
		}
		err = b.read(f, filepath.Base(path), minScore)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("threatintel: %s: %w", path, err)
		}
	}
	return b.build(), nil
}

// read adds one list. Errors name the line; Load adds the file.
func (b *builder) read(r io.Reader, name string, minScore int) error {
	list := b.addList(name)
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexAny(text, "#;"); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		p, err := parseEntry(fields[0])
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		score := 1
		switch len(fields) {
		case 1:
		case 2:
			score, err = strconv.Atoi(fields[1])
			if err != nil || score < 0 {
				return fmt.Errorf("line %d: score %q is not a count of lists", line, fields[1])
			}
			if score < minScore {
				continue
			}
		default:
			return fmt.Errorf("line %d: want an address or prefix and an optional score, got %d fields", line, len(fields))
		}
		b.add(p, entry{list: list, score: int32(min(score, math.MaxInt32))})
	}
	return sc.Err()
}

// parseEntry reads an address (as a single-address prefix) or a prefix,
// IPv4-mapped addresses as IPv4 and host bits cleared.
func parseEntry(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		ip, err := netip.ParseAddr(s)
		if err != nil || ip.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR prefix", s)
		}
		ip = ip.Unmap()
		return netip.PrefixFrom(ip, ip.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR prefix", s)
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}
