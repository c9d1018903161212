package detective

import "testing"

func TestPageToken(t *testing.T) {
	tok := encodeToken("ListMembers", "graph-a", "222222222222")
	after, err := decodeToken(tok, "ListMembers", "graph-a")
	if err != nil || after != "222222222222" {
		t.Fatalf("decodeToken(encodeToken()) = %q, %v; want 222222222222", after, err)
	}
	tests := []struct {
		name, tok, op, scope string
	}{
		{"other operation", tok, "ListInvitations", "graph-a"},
		{"other arguments", tok, "ListMembers", "graph-b"},
		{"not base64", "***", "ListMembers", "graph-a"},
		{"too short", "AAAA", "ListMembers", "graph-a"},
		{"tampered", tok[:len(tok)-2] + "AA", "ListMembers", "graph-a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decodeToken(tc.tok, tc.op, tc.scope); KindOf(err) != KindValidation {
				t.Errorf("decodeToken(%q, %q, %q) = %v, want a validation error", tc.tok, tc.op, tc.scope, err)
			}
		})
	}
	if after, err := decodeToken("", "ListMembers", "graph-a"); err != nil || after != "" {
		t.Errorf(`decodeToken("") = %q, %v; want the first page`, after, err)
	}
}
