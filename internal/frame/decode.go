package frame

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ErrNUL is DecodeJSON's answer to a string holding the NUL character
// (U+0000). AWS's patterns for the members it could reach (e-mails, names,
// ARNs, tags) exclude control characters, and PostgreSQL's text cannot
// hold it, so every JSON protocol refuses it as invalid input before
// anything is stored.
var ErrNUL = errors.New("frame: a string holds the NUL character")

// TypeError is a member whose JSON value does not fit the request's shape.
type TypeError struct {
	Member string // dotted path, e.g. Accounts.0.AccountId
	Want   string // the type the member has, e.g. string
	Got    string // the JSON kind sent, e.g. number
	Err    error  // the cause; a member's own UnmarshalJSON error
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("member %s must be %s, not JSON %s", e.Member, e.Want, e.Got)
}

func (e *TypeError) Unwrap() error { return e.Err }

// DecodeJSON decodes a JSON protocol's request body into v as AWS reads
// one: member names match exactly (not regardless of case, as
// encoding/json matches them), unknown members are ignored, null is
// absent, and an empty body is {}. It returns ErrNUL, a *TypeError, or
// another error for a body that is not JSON (Serve has already refused
// those when the frame's JSONBody is set).
func DecodeJSON(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if HasNUL(body) {
		return ErrNUL
	}
	err := json.Unmarshal(body, v)
	var se *json.SemanticError
	if err == nil || !errors.As(err, &se) || se.JSONPointer == "" {
		return err
	}
	te := &TypeError{Member: strings.ReplaceAll(strings.TrimPrefix(string(se.JSONPointer), "/"), "/", "."),
		Got: kindName(se.JSONKind), Want: "a value of another type", Err: se.Err}
	if se.GoType != nil {
		te.Want = typeName(se.GoType)
	}
	return te
}

// HasNUL reports whether a JSON text holds the NUL character: the escape
// \u0000 (an escaped backslash before "u0000" is text, not an escape) or
// a raw NUL byte, which is not valid JSON at all.
func HasNUL(body []byte) bool {
	if bytes.IndexByte(body, 0) >= 0 {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte("u0000"))
		if j < 0 {
			return false
		}
		j += i
		n := 0
		for k := j - 1; k >= 0 && body[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = j + 1
	}
}

// isJSONObject reports whether body is empty or exactly one JSON object:
// what every request of the JSON protocols is.
func isJSONObject(body []byte) bool {
	body = bytes.TrimSpace(body)
	return len(body) == 0 || (body[0] == '{' && jsontext.Value(body).IsValid())
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Map:
		return "map"
	case reflect.Struct:
		return "structure"
	}
	return t.String()
}
