package awsapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"

	"github.com/detective-local/detective-local/internal/apitest"
)

func TestTags(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		adm := env.Client(admin)
		g := mustCreateGraph(t, adm)
		res := aws.String(g)
		list := func() map[string]string {
			t.Helper()
			out, err := adm.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: res})
			if err != nil {
				t.Fatalf("ListTagsForResource: %v", err)
			}
			return out.Tags
		}
		if tags := list(); len(tags) != 0 {
			t.Errorf("new graph tags = %v, want none", tags)
		}
		if _, err := adm.TagResource(ctx, &detective.TagResourceInput{ResourceArn: res, Tags: map[string]string{"env": "ci", "team": "sec", "empty": ""}}); err != nil {
			t.Fatalf("TagResource: %v", err)
		}
		if _, err := adm.TagResource(ctx, &detective.TagResourceInput{ResourceArn: res, Tags: map[string]string{"env": "prod"}}); err != nil {
			t.Fatalf("TagResource overwrite: %v", err)
		}
		if tags := list(); fmt.Sprint(tags) != fmt.Sprint(map[string]string{"empty": "", "env": "prod", "team": "sec"}) {
			t.Errorf("tags = %v", tags)
		}
		if _, err := adm.UntagResource(ctx, &detective.UntagResourceInput{ResourceArn: res, TagKeys: []string{"team", "absent"}}); err != nil {
			t.Fatalf("UntagResource: %v", err)
		}
		if tags := list(); fmt.Sprint(tags) != fmt.Sprint(map[string]string{"empty": "", "env": "prod"}) {
			t.Errorf("tags after untag = %v", tags)
		}

		// At most 50 tags on a graph, across requests.
		many := map[string]string{}
		for i := range 48 {
			many[fmt.Sprintf("k%02d", i)] = "v"
		}
		if _, err := adm.TagResource(ctx, &detective.TagResourceInput{ResourceArn: res, Tags: many}); err != nil {
			t.Fatalf("TagResource to 50 tags: %v", err)
		}
		_, err := adm.TagResource(ctx, &detective.TagResourceInput{ResourceArn: res, Tags: map[string]string{"one-too-many": "v"}})
		wantAPIError(t, err, "ValidationException", 400)
		if tags := list(); len(tags) != 50 {
			t.Errorf("tags after refused TagResource = %d, want 50", len(tags))
		}

		missing := "arn:aws:detective:us-east-1:" + admin + ":graph:00000000000000000000000000000000"
		_, err = adm.TagResource(ctx, &detective.TagResourceInput{ResourceArn: aws.String(missing), Tags: map[string]string{"a": "b"}})
		wantAPIError(t, err, "ResourceNotFoundException", 404)
	})
}
