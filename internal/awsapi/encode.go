package awsapi

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/detective-local/detective-local/internal/arn"
	"github.com/detective-local/detective-local/internal/detective"
)

// The responses read most often (member details, graph lists, tags) are
// appended straight from the domain's values: encoding/json's reflection,
// and the wire structs it needs, cost more than the rest of such a request.
// The bytes are encoding/json's for the wire structs in wire.go and the
// op_*.go files, which stay the definition of the shape; encode_test.go
// holds each appender to them.

// bodyBuffers recycles response buffers between requests.
type bodyBuffers struct{ pool sync.Pool }

// maxPooledBody keeps a rare huge response from pinning its buffer.
const maxPooledBody = 256 << 10

func (p *bodyBuffers) get() *[]byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 4096)
	return &b
}

func (p *bodyBuffers) put(b *[]byte) {
	if cap(*b) <= maxPooledBody {
		*b = (*b)[:0]
		p.pool.Put(b)
	}
}

// memberDetailSize is about what a member detail with volume fields
// encodes to: a buffer for a list of members is made that large at once,
// rather than grown (and copied) in steps to a page's 100 KB.
const memberDetailSize = 640

// writeAppended answers status with the JSON body that appendBody appends;
// size, when not 0, is about how long it will be.
func (s *Server) writeAppended(w http.ResponseWriter, status, size int, appendBody func([]byte) []byte) error {
	buf := s.bodies.get()
	defer s.bodies.put(buf)
	if cap(*buf) < size {
		*buf = make([]byte, 0, size)
	}
	*buf = appendBody((*buf)[:0])
	h := w.Header()
	h["Content-Type"] = s.jsonType
	h["Content-Length"] = []string{strconv.Itoa(len(*buf))}
	w.WriteHeader(status)
	_, _ = w.Write(*buf) // the client went away; nothing to do
	return nil
}

// appendString appends s as encoding/json does, HTML characters escaped.
// Identifiers, ARNs, statuses and e-mail addresses are plain ASCII, taken
// as they are; anything else goes through encoding/json itself, so that
// its escaping rules are not restated here.
func appendString(b []byte, s string) []byte {
	if !plainString(s) {
		q, _ := json.Marshal(s) // a string always encodes
		return append(b, q...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendARN appends a's string form as appendString does, without
// building the string when its parts need no escaping (as parsed ARNs'
// parts do not).
func appendARN(b []byte, a arn.ARN) []byte {
	for _, part := range [...]string{a.Partition, a.Service, a.Region, a.Account, a.Resource} {
		if !plainString(part) {
			return appendString(b, a.String())
		}
	}
	b = append(b, `"arn:`...)
	b = append(b, a.Partition...)
	b = append(b, ':')
	b = append(b, a.Service...)
	b = append(b, ':')
	b = append(b, a.Region...)
	b = append(b, ':')
	b = append(b, a.Account...)
	b = append(b, ':')
	b = append(b, a.Resource...)
	return append(b, '"')
}

// plainString reports whether s encodes as itself between quotes: no
// control, non-ASCII, quote, backslash or HTML character. Every string of
// every member detail goes through it, so the characters are looked up in
// a bit set (plainLow for 0-63, plainHigh for 64-127) rather than compared
// one by one.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return false
		}
		set := uint64(plainLow)
		if c >= 64 {
			set = plainHigh
		}
		if set>>(c&63)&1 == 0 {
			return false
		}
	}
	return true
}

// The characters plainString lets through: 0x20-0x7e but '"', '&', '<',
// '>' and '\\'.
const (
	plainLow  = 0xafffffbb00000000
	plainHigh = 0x7fffffffefffffff
)

// appendTime appends t as the model's Timestamp (see isoTime). Every
// member detail carries several, and the layout interpreter of
// time.AppendFormat costs more than the digits themselves, so years of
// four digits are written directly.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		b = append(b, '"')
		b = t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
		return append(b, '"')
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(b, '"',
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z', '"')
}

// timeCache remembers the last timestamp a list encoded: the members of a
// list were mostly invited in batches, so their times repeat, and copying
// 26 bytes costs less than computing them.
type timeCache struct {
	t   time.Time
	n   int
	enc [26]byte
}

// append appends t as appendTime does.
func (c *timeCache) append(b []byte, t time.Time) []byte {
	if c.n == 0 || !t.Equal(c.t) {
		enc := appendTime(c.enc[:0], t)
		if len(enc) > len(c.enc) { // a year past 9999: not kept
			c.n = 0
			return append(b, enc...)
		}
		c.t, c.n = t, len(enc)
	}
	return append(b, c.enc[:c.n]...)
}

// appendFloat appends f as encoding/json encodes a float64: the shortest
// representation, in exponent form only for very small or large values,
// with a two-digit exponent trimmed of its leading zero.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendField appends a member name and its colon, after a comma unless it
// is the first member of its object.
func appendField(b []byte, name string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

// appendKey appends a map key and its colon, after a comma unless it is
// the first.
func appendKey(b []byte, key string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = appendString(b, key)
	return append(b, ':')
}

// appendMemberDetail appends m as newMemberDetail's memberDetail encodes;
// graphJSON is m.Graph as a JSON string (appendARN), which a list of
// members of one graph encodes once.
func appendMemberDetail(b []byte, m detective.Member, graphJSON []byte, times *timeCache) []byte {
	b = append(b, '{')
	b = appendField(b, "AccountId", true)
	b = appendString(b, string(m.Account))
	if m.Email != "" {
		b = appendField(b, "EmailAddress", false)
		b = appendString(b, m.Email)
	}
	b = appendField(b, "GraphArn", false)
	b = append(b, graphJSON...)
	b = appendField(b, "MasterId", false)
	b = appendString(b, string(m.Admin))
	b = appendField(b, "AdministratorId", false)
	b = appendString(b, string(m.Admin))
	b = appendField(b, "Status", false)
	b = appendString(b, string(m.Status))
	if m.DisabledReason != "" {
		b = appendField(b, "DisabledReason", false)
		b = appendString(b, string(m.DisabledReason))
	}
	if !m.InvitedTime.IsZero() {
		b = appendField(b, "InvitedTime", false)
		b = times.append(b, m.InvitedTime)
	}
	if !m.UpdatedTime.IsZero() {
		b = appendField(b, "UpdatedTime", false)
		b = times.append(b, m.UpdatedTime)
	}
	b = appendField(b, "InvitationType", false)
	b = appendString(b, string(m.Type))
	if len(m.Packages) > 0 {
		b = appendMemberVolume(b, m, times)
	}
	return append(b, '}')
}

// appendMemberVolume appends the volume members of a member that has
// package states.
func appendMemberVolume(b []byte, m detective.Member, times *timeCache) []byte {
	// The maps of the reference encoding are sorted by key, with the last
	// state of a repeated package winning.
	var order [8]int
	ps := packagesByName(m.Packages, order[:0])
	var measured time.Time
	for _, p := range m.Packages {
		if p.VolumeTime.After(measured) {
			measured = p.VolumeTime
		}
	}
	b = appendField(b, "VolumeUsageInBytes", false)
	b = strconv.AppendInt(b, m.VolumeBytes(), 10)
	if !measured.IsZero() {
		b = appendField(b, "VolumeUsageUpdatedTime", false)
		b = times.append(b, measured)
	}
	b = appendField(b, "PercentOfGraphUtilization", false)
	b = appendFloat(b, m.Utilization)
	if !measured.IsZero() {
		b = appendField(b, "PercentOfGraphUtilizationUpdatedTime", false)
		b = times.append(b, measured)
	}
	b = appendField(b, "VolumeUsageByDatasourcePackage", false)
	b = append(b, '{')
	for i, j := range ps {
		p := m.Packages[j]
		b = appendKey(b, string(p.Package), i == 0)
		b = append(b, '{')
		b = appendField(b, "VolumeUsageInBytes", true)
		b = strconv.AppendInt(b, p.VolumeBytes, 10)
		if !p.VolumeTime.IsZero() {
			b = appendField(b, "VolumeUsageUpdateTime", false)
			b = times.append(b, p.VolumeTime)
		}
		b = append(b, '}')
	}
	b = append(b, '}')
	b = appendField(b, "DatasourcePackageIngestStates", false)
	b = append(b, '{')
	for i, j := range ps {
		p := m.Packages[j]
		b = appendKey(b, string(p.Package), i == 0)
		b = appendString(b, string(p.State))
	}
	return append(b, '}')
}

// packagesByName appends to order the indexes of ps sorted by package
// name, keeping of each name the last: the order, and the states, that a
// map keyed by name encodes. A member has a handful of packages, so an
// insertion sort into the caller's array allocates nothing.
func packagesByName(ps []detective.PackageState, order []int) []int {
	for i, p := range ps {
		j := len(order)
		for j > 0 && ps[order[j-1]].Package > p.Package {
			j--
		}
		if j > 0 && ps[order[j-1]].Package == p.Package {
			order[j-1] = i // a later state of the same package wins
			continue
		}
		order = slices.Insert(order, j, i)
	}
	return order
}

// appendMemberDetails appends a JSON array of member details.
func appendMemberDetails(b []byte, ms []detective.Member) []byte {
	b = append(b, '[')
	var graph arn.ARN
	var graphBuf [160]byte
	var graphJSON []byte
	var times timeCache
	for i, m := range ms {
		if i > 0 {
			b = append(b, ',')
		}
		if i == 0 || m.Graph != graph {
			graph, graphJSON = m.Graph, appendARN(graphBuf[:0], m.Graph)
		}
		b = appendMemberDetail(b, m, graphJSON, &times)
	}
	return append(b, ']')
}

// appendUnprocessedAccounts appends a JSON array of unprocessed accounts.
func appendUnprocessedAccounts(b []byte, us []detective.UnprocessedAccount) []byte {
	b = append(b, '[')
	for i, u := range us {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendField(b, "AccountId", true)
		b = appendString(b, string(u.Account))
		b = appendField(b, "Reason", false)
		b = appendString(b, u.Reason)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendMembersAndUnprocessed appends the object of GetMembers and
// CreateMembers, whose member list is named membersName.
func appendMembersAndUnprocessed(b []byte, membersName string, ms []detective.Member, us []detective.UnprocessedAccount) []byte {
	b = append(b, '{')
	b = appendField(b, membersName, true)
	b = appendMemberDetails(b, ms)
	b = appendField(b, "UnprocessedAccounts", false)
	b = appendUnprocessedAccounts(b, us)
	return append(b, '}')
}

// appendMemberPage appends the object of ListMembers and ListInvitations,
// whose member list is named membersName.
func appendMemberPage(b []byte, membersName string, ms []detective.Member, nextToken string) []byte {
	b = append(b, '{')
	b = appendField(b, membersName, true)
	b = appendMemberDetails(b, ms)
	if nextToken != "" {
		b = appendField(b, "NextToken", false)
		b = appendString(b, nextToken)
	}
	return append(b, '}')
}

// appendGraphList appends ListGraphs' response.
func appendGraphList(b []byte, out detective.ListGraphsOutput) []byte {
	b = append(b, '{')
	b = appendField(b, "GraphList", true)
	b = append(b, '[')
	for i, g := range out.Graphs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendField(b, "Arn", true)
		b = appendARN(b, g.ARN)
		if !g.CreatedTime.IsZero() {
			b = appendField(b, "CreatedTime", false)
			b = appendTime(b, g.CreatedTime)
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	if out.NextToken != "" {
		b = appendField(b, "NextToken", false)
		b = appendString(b, out.NextToken)
	}
	return append(b, '}')
}

// appendTags appends ListTagsForResource's response: the tags sorted by
// key, as encoding/json sorts a map.
func appendTags(b []byte, tags map[string]string) []byte {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	b = appendField(b, "Tags", true)
	b = append(b, '{')
	for i, k := range keys {
		b = appendKey(b, k, i == 0)
		b = appendString(b, tags[k])
	}
	b = append(b, '}')
	return append(b, '}')
}
