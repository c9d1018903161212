package awsapi

import (
	"reflect"
	"strings"
	"testing"

	"github.com/detective-local/detective-local/internal/detective"
)

// FuzzDecode feeds arbitrary bodies to the request decoders that have an
// input method of their own, without a server, for speed: any outcome but a
// panic or a non-validation error is a bug. FuzzServe covers all 29
// operations through the server.
func FuzzDecode(f *testing.F) {
	g := "arn:aws:detective:us-east-1:111111111111:graph:027c7c4610ea4aacaf0b883093cab899"
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `{"GraphArn":"` + g + `","AccountIds":["222222222222"]}`,
		`{"GraphArn":"` + g + `","Accounts":[{"AccountId":"222222222222","EmailAddress":"a@b.co"}],"Message":"hi"}`,
		`{"Tags":{"a":"b","aws:x":""}}`, `{"MaxResults":201,"NextToken":""}`, `{"GraphArn":1}`,
		`{"Accounts":[null,{}]}`, `{"GraphArn":"` + g + `","MaxResults":-1e99}`, "\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for i, err := range []error{
			decodeAndCheck(body, createGraphRequest.input),
			decodeAndCheck(body, createMembersRequest.input),
			decodeAndCheck(body, graphAccountsRequest.check),
			decodeAndCheck(body, listMembersRequest.input),
			decodeAndCheck(body, listGraphsRequest.input),
			decodeAndCheck(body, listInvitationsRequest.input),
			decodeAndCheck(body, deleteGraphRequest.input),
		} {
			if err != nil && detective.KindOf(err) != detective.KindValidation {
				t.Fatalf("decoder %d on %q: error of kind %v, want validation: %v", i, body, detective.KindOf(err), err)
			}
		}
	})
}

func decodeAndCheck[R, I any](body []byte, input func(R) (I, error)) error {
	var req R
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	_, err := input(req)
	return err
}

// FuzzDecodePlain holds graphAccountsRequest.decodePlain to decodeJSON:
// whatever body it accepts must decode to the same request both ways.
func FuzzDecodePlain(f *testing.F) {
	g := "arn:aws:detective:us-east-1:111111111111:graph:027c7c4610ea4aacaf0b883093cab899"
	for _, seed := range []string{
		``, `{}`, ` { } `, `{"GraphArn":"` + g + `","AccountIds":["222222222222","333333333333"]}`,
		"{\n\t\"AccountIds\" : [ ] ,\r\"GraphArn\":\"x\"}", `{"AccountIds":[]}`, `{"GraphArn":""}`,
		`{"GraphArn":null}`, `{"GraphArn":"a","GraphArn":"b"}`, `{"AccountIds":["a",]}`, `{"AccountIds":[,"a"]}`,
		`{"GraphArn":"a",}`, `{"GraphArn":"a" "AccountIds":[]}`, `{"graphArn":"a"}`, `{"Other":1}`,
		`{"GraphArn":"\u0061"}`, `{"GraphArn":"\u0000"}`, "{\"GraphArn\":\"\x00\"}", `{"GraphArn":"é"}`,
		`{"AccountIds":["` + strings.Repeat(`1","`, 50) + `1"]}`, `{"AccountIds":["` + strings.Repeat(`1","`, 49) + `1"]}`,
		`{"GraphArn":"a"}x`, `{"GraphArn":"a"`, `[]`, `{"AccountIds":[1]}`, `{"AccountIds":"a"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast graphAccountsRequest
		if !fast.decodePlain(body) {
			return
		}
		var slow graphAccountsRequest
		if err := decodeJSON(body, &slow); err != nil {
			t.Fatalf("decodePlain accepted %q, which decodeJSON refuses: %v", body, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("decodePlain(%q) = %#v, decodeJSON = %#v", body, fast, slow)
		}
	})
}

func TestDecodePlainTakesTheUsualBody(t *testing.T) {
	t.Parallel()
	body := `{"GraphArn":"arn:aws:detective:us-east-1:111111111111:graph:027c7c4610ea4aacaf0b883093cab899","AccountIds":["222222222222"]}`
	var req graphAccountsRequest
	if !req.decodePlain([]byte(body)) || req.GraphArn == nil || len(req.AccountIds) != 1 {
		t.Errorf("decodePlain(%s) = false or %+v, want the request", body, req)
	}
}
