package columncodec

import (
	"encoding/json"
	"fmt"
	"strings"
)

// EncodeDetail is an indicator's Detail (a map of AWS member names to
// values) as stored: a JSON object, "{}" when it has no fields. NaN and infinities have no JSON form and fail.
func EncodeDetail(d map[string]any) (string, error) {
	if len(d) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("indicator detail: %w", err)
	}
	return string(b), nil
}

// DecodeDetail is the inverse of EncodeDetail, as far as JSON allows: it
// returns a non-nil map whose strings and booleans are as written; a
// number is an int64 if its JSON text is an integer that fits in one, and
// a float64 otherwise. So an integer of any Go type comes back as int64,
// and so does a whole float64 that fits (encoding/json writes 3.0 as 3);
// 1.5 and 1e21 come back as float64. Decoding numbers as json.Number
// rather than float64 keeps integers above 2^53 exact.
// Nested objects and arrays come back as map[string]any and []any with
// their numbers converted the same way.
func DecodeDetail(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var d map[string]any
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if d == nil {
		d = map[string]any{}
	}
	for k, v := range d {
		var err error
		if d[k], err = fromJSON(v); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// fromJSON converts the json.Numbers in v as DecodeDetail describes.
func fromJSON(v any) (any, error) {
	var err error
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, nil
		}
		return v.Float64()
	case map[string]any:
		for k, x := range v {
			if v[k], err = fromJSON(x); err != nil {
				return nil, err
			}
		}
	case []any:
		for i, x := range v {
			if v[i], err = fromJSON(x); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}
