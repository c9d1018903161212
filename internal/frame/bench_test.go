package frame

import "testing"

// BenchmarkDecodeJSON is the cost of reading one GetMembers body as the
// JSON protocols do: the object check Serve makes, then DecodeJSON.
func BenchmarkDecodeJSON(b *testing.B) {
	body := []byte(`{"GraphArn":"arn:aws:detective:us-east-1:111111111111:graph:0123456789abcdef0123456789abcdef",` +
		`"AccountIds":["222222222222","333333333333","444444444444","555555555555","666666666666"]}`)
	type req struct {
		GraphArn   string   `json:"GraphArn"`
		AccountIds []string `json:"AccountIds"`
	}
	b.ReportAllocs()
	for b.Loop() {
		var r req
		if !isJSONObject(body) {
			b.Fatal("not an object")
		}
		if err := DecodeJSON(body, &r); err != nil {
			b.Fatal(err)
		}
	}
}
