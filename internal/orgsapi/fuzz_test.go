package orgsapi

import (
	"net/http/httptest"
	"testing"
)

// FuzzDecode: whatever the body holds, decoding and the shape checks of
// the richest requests never panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"Email":"a@example.com","AccountName":"A","Tags":[{"Key":"k","Value":"v"}]}`))
	f.Add([]byte(`{"Target":{"Id":"123456789012","Type":"ACCOUNT"},"Notes":"hi"}`))
	f.Add([]byte(`{"Target":null,"Tags":[{}]}`))
	f.Add([]byte(`[1,2`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := &request{Request: httptest.NewRequest("POST", "/", nil), body: body}
		var ca createAccountRequest
		if r.decode(&ca) == nil {
			_, _ = ca.input()
		}
		var inv inviteAccountToOrganizationRequest
		if r.decode(&inv) == nil {
			_, _ = inv.input()
		}
		var lh listHandshakesRequest
		if r.decode(&lh) == nil {
			_, _ = lh.input()
		}
	})
}
