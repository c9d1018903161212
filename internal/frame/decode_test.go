package frame

import (
	"errors"
	"testing"
)

func TestHasNUL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want bool
	}{
		{`{"a":"b"}`, false},
		{`{"a":"\u0000"}`, true},
		{`{"a":"x\u0000y"}`, true},
		{`{"a\u0000":"b"}`, true},
		{`{"a":"\\u0000"}`, false},   // an escaped backslash, then text
		{`{"a":"\\\u0000"}`, true},   // an escaped backslash, then NUL
		{`{"a":"\\\\u0000"}`, false}, // two escaped backslashes, then text
		{`{"a":"u0000"}`, false},
		{"{\"a\":\"\x00\"}", true},
	}
	for _, tc := range tests {
		if got := HasNUL([]byte(tc.body)); got != tc.want {
			t.Errorf("HasNUL(%q) = %v, want %v", tc.body, got, tc.want)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	type req struct {
		GraphArn   string   `json:"GraphArn"`
		AccountIds []string `json:"AccountIds"`
	}
	var r req
	if err := DecodeJSON([]byte(`{"graphArn":"x","AccountIds":["1"],"Unknown":1}`), &r); err != nil || r.GraphArn != "" || len(r.AccountIds) != 1 {
		t.Errorf("DecodeJSON with a member in another case = %+v, %v; want it ignored", r, err)
	}
	var te *TypeError
	if err := DecodeJSON([]byte(`{"AccountIds":[1]}`), &req{}); !errors.As(err, &te) || te.Member != "AccountIds.0" || te.Want != "string" || te.Got != "number" {
		t.Errorf("DecodeJSON of a wrong type = %v, want a TypeError at AccountIds.0", err)
	}
	if err := DecodeJSON([]byte(`{"GraphArn":"a\u0000"}`), &req{}); !errors.Is(err, ErrNUL) {
		t.Errorf("DecodeJSON with NUL = %v, want ErrNUL", err)
	}
	if err := DecodeJSON([]byte(" \n"), &req{}); err != nil {
		t.Errorf("DecodeJSON of an empty body = %v, want nil", err)
	}
}
