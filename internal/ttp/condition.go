package ttp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/detective-local/detective-local/internal/behavior"
)

// condition is a parsed condition: clauses that must all hold.
type condition []clause

type op uint8

const (
	opEq op = iota + 1
	opNe
	opContains
	opNotContains
	opStartsWith
	opPresent
	opAbsent
)

// fieldKind says where a clause's field comes from.
type fieldKind uint8

const (
	fieldErrorCode fieldKind = iota + 1
	fieldUserAgent
	fieldPrincipalType
	fieldMFAUsed
	fieldRequest
	fieldResponse
)

type clause struct {
	kind  fieldKind
	path  []string // into requestParameters / responseElements
	op    op
	value string // lower-cased, for case-insensitive comparison
	// key is the path's last step as it appears in JSON ("withDecryption"
	// quoted). When the raw document lacks it, the field is absent and the
	// document need not be decoded: most calls that reach a condition
	// fail it this way, and decoding is most of the cost.
	key []byte
}

// parseCondition parses the condition language of the package doc.
func parseCondition(s string) (condition, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var c condition
	for part := range strings.SplitSeq(s, " and ") {
		cl, err := parseClause(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		c = append(c, cl)
	}
	return c, nil
}

func parseClause(s string) (clause, error) {
	end := strings.IndexAny(s, " !=")
	if end <= 0 {
		return clause{}, fmt.Errorf("condition %q: want FIELD=VALUE, FIELD!=VALUE, FIELD contains VALUE, FIELD not contains VALUE or FIELD startswith VALUE", s)
	}
	field, rest := s[:end], s[end:]
	var (
		cl    clause
		value string
	)
	switch {
	case strings.HasPrefix(rest, "!="):
		cl.op, value = opNe, rest[2:]
	case strings.HasPrefix(rest, "="):
		cl.op, value = opEq, rest[1:]
	case strings.HasPrefix(rest, " contains "):
		cl.op, value = opContains, rest[len(" contains "):]
	case strings.HasPrefix(rest, " not contains "):
		cl.op, value = opNotContains, rest[len(" not contains "):]
	case strings.HasPrefix(rest, " startswith "):
		cl.op, value = opStartsWith, rest[len(" startswith "):]
	default:
		return clause{}, fmt.Errorf("condition %q: unknown operator", s)
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return clause{}, fmt.Errorf("condition %q: no value", s)
	}
	if cl.op == opEq && (value == "present" || value == "absent") {
		cl.op = map[string]op{"present": opPresent, "absent": opAbsent}[value]
	}
	cl.value = strings.ToLower(value)
	if err := cl.setField(field); err != nil {
		return clause{}, fmt.Errorf("condition %q: %w", s, err)
	}
	return cl, nil
}

func (cl *clause) setField(field string) error {
	switch field {
	case "errorCode":
		cl.kind = fieldErrorCode
	case "userAgent":
		cl.kind = fieldUserAgent
	case "userIdentity.type":
		cl.kind = fieldPrincipalType
	case "additionalEventData.MFAUsed":
		cl.kind = fieldMFAUsed
	default:
		root, path, _ := strings.Cut(field, ".")
		switch root {
		case "requestParameters":
			cl.kind = fieldRequest
		case "responseElements":
			cl.kind = fieldResponse
		default:
			return fmt.Errorf("unknown field %q", field)
		}
		if strings.Contains(field, ".") {
			cl.path = strings.Split(path, ".")
			if slices.Contains(cl.path, "") {
				return fmt.Errorf("field %q has an empty path step", field)
			}
			cl.key = []byte(`"` + cl.path[len(cl.path)-1] + `"`)
		}
	}
	return nil
}

// event is one API call under evaluation. It decodes requestParameters and
// responseElements at most once, and only when a clause needs them.
type event struct {
	call     *behavior.APICall
	request  any
	response any
	decoded  [2]bool
}

func (c condition) holds(ev *event) bool {
	for _, cl := range c {
		if !cl.holds(ev) {
			return false
		}
	}
	return true
}

func (cl clause) holds(ev *event) bool {
	call := ev.call
	var values []string
	switch cl.kind {
	case fieldErrorCode:
		values = nonEmpty(call.ErrorCode)
	case fieldUserAgent:
		values = nonEmpty(call.UserAgent)
	case fieldPrincipalType:
		values = nonEmpty(string(call.PrincipalType))
	case fieldMFAUsed:
		if call.MFAUsed != nil {
			values = []string{map[bool]string{true: "Yes", false: "No"}[*call.MFAUsed]}
		}
	case fieldRequest, fieldResponse:
		if len(cl.path) == 0 && (cl.op == opContains || cl.op == opNotContains) {
			// The whole document: search its raw text rather than
			// decode and re-encode it.
			raw := ev.raw(cl.kind)
			found := bytes.Contains(bytes.ToLower(raw), []byte(cl.value))
			return found == (cl.op == opContains)
		}
		if cl.key != nil && !bytes.Contains(ev.raw(cl.kind), cl.key) {
			break // absent: no values
		}
		values = collect(ev.document(cl.kind), cl.path, nil)
	}
	return cl.test(values)
}

func (cl clause) test(values []string) bool {
	switch cl.op {
	case opPresent:
		return len(values) > 0
	case opAbsent:
		return len(values) == 0
	case opNe, opNotContains:
		for _, v := range values {
			if cl.matchOne(v) {
				return false
			}
		}
		return true
	default:
		for _, v := range values {
			if cl.matchOne(v) {
				return true
			}
		}
		return false
	}
}

func (cl clause) matchOne(v string) bool {
	v = strings.ToLower(v)
	switch cl.op {
	case opEq, opNe:
		return v == cl.value
	case opContains, opNotContains:
		return strings.Contains(v, cl.value)
	case opStartsWith:
		return strings.HasPrefix(v, cl.value)
	}
	return false
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (ev *event) raw(kind fieldKind) []byte {
	if kind == fieldRequest {
		return ev.call.RequestParameters
	}
	return ev.call.ResponseElements
}

// document decodes requestParameters or responseElements; a document that
// is absent or not JSON holds no fields.
func (ev *event) document(kind fieldKind) any {
	i, dst := 0, &ev.request
	if kind == fieldResponse {
		i, dst = 1, &ev.response
	}
	if !ev.decoded[i] {
		ev.decoded[i] = true
		if raw := ev.raw(kind); len(raw) > 0 {
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(dst); err != nil {
				*dst = nil
			}
		}
	}
	return *dst
}

// collect appends the text of every value at path under v, looking into
// every element of the arrays it meets. Nulls are absent values.
func collect(v any, path []string, out []string) []string {
	if arr, ok := v.([]any); ok {
		for _, e := range arr {
			out = collect(e, path, out)
		}
		return out
	}
	if len(path) == 0 {
		switch x := v.(type) {
		case nil:
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case bool:
			out = append(out, fmt.Sprint(x))
		default:
			b, err := json.Marshal(x)
			if err == nil {
				out = append(out, string(b))
			}
		}
		return out
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return out
	}
	return collect(obj[path[0]], path[1:], out)
}
