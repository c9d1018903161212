package awsapi_test

import (
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"

	"github.com/detective-local/detective-local/internal/apitest"
	"github.com/detective-local/detective-local/internal/arn"
)

func TestCreateGraph(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		c := env.Client(admin)
		out, err := c.CreateGraph(ctx, &detective.CreateGraphInput{Tags: map[string]string{"team": "sec"}})
		if err != nil {
			t.Fatalf("CreateGraph: %v", err)
		}
		g := aws.ToString(out.GraphArn)
		a, err := arn.ParseGraph(g)
		if err != nil {
			t.Fatalf("CreateGraph ARN %q: %v", g, err)
		}
		if a.Account != admin || a.Region != apitest.DefaultRegion {
			t.Errorf("CreateGraph ARN = %s, want account %s in %s", g, admin, apitest.DefaultRegion)
		}

		// Idempotent per account and region; tags are left alone.
		again, err := c.CreateGraph(ctx, &detective.CreateGraphInput{Tags: map[string]string{"other": "x"}})
		if err != nil || aws.ToString(again.GraphArn) != g {
			t.Errorf("second CreateGraph = %v, %v; want %s", aws.ToString(again.GraphArn), err, g)
		}
		tags, err := c.ListTagsForResource(ctx, &detective.ListTagsForResourceInput{ResourceArn: aws.String(g)})
		if err != nil || len(tags.Tags) != 1 || tags.Tags["team"] != "sec" {
			t.Errorf("ListTagsForResource = %v, %v; want {team: sec}", tags.Tags, err)
		}

		// Another region is another graph.
		west := mustCreateGraph(t, env.ClientIn(admin, "us-west-2"))
		if west == g {
			t.Errorf("CreateGraph in us-west-2 returned the us-east-1 graph %s", g)
		}

		list, err := c.ListGraphs(ctx, &detective.ListGraphsInput{})
		if err != nil {
			t.Fatalf("ListGraphs: %v", err)
		}
		if len(list.GraphList) != 1 || aws.ToString(list.GraphList[0].Arn) != g || list.NextToken != nil {
			t.Fatalf("ListGraphs = %+v, want just %s", list.GraphList, g)
		}
		created := aws.ToTime(list.GraphList[0].CreatedTime)
		if d := time.Since(created); d < 0 || d > time.Minute {
			t.Errorf("CreatedTime = %v, want about now", created)
		}

		// An account that administers nothing gets an empty list.
		other, err := env.Client(third).ListGraphs(ctx, &detective.ListGraphsInput{})
		if err != nil || len(other.GraphList) != 0 {
			t.Errorf("ListGraphs(third) = %+v, %v; want empty", other, err)
		}
	})
}

func TestDeleteGraph(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		c := env.Client(admin)
		g := mustCreateGraph(t, c)
		mustCreateMembers(t, c, g, member1)
		mustAccept(t, env.Client(member1), g)

		_, err := env.Client(third).DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "AccessDeniedException", 403)
		_, err = env.Client(member1).DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "AccessDeniedException", 403)

		if _, err := c.DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(g)}); err != nil {
			t.Fatalf("DeleteGraph: %v", err)
		}
		list, err := c.ListGraphs(ctx, &detective.ListGraphsInput{})
		if err != nil || len(list.GraphList) != 0 {
			t.Errorf("ListGraphs after delete = %+v, %v; want empty", list, err)
		}
		if inv := listInvitations(t, env.Client(member1)); len(inv) != 0 {
			t.Errorf("member's ListInvitations after DeleteGraph = %+v, want empty", inv)
		}
		_, err = c.ListMembers(ctx, &detective.ListMembersInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "ResourceNotFoundException", 404)
		_, err = c.DeleteGraph(ctx, &detective.DeleteGraphInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "ResourceNotFoundException", 404)
		_, err = env.Client(member1).DisassociateMembership(ctx, &detective.DisassociateMembershipInput{GraphArn: aws.String(g)})
		wantAPIError(t, err, "ResourceNotFoundException", 404)

		// A new graph after deletion has a new ARN.
		if g2 := mustCreateGraph(t, c); g2 == g {
			t.Errorf("CreateGraph after DeleteGraph returned the deleted ARN %s", g)
		}
	})
}

func TestConcurrentCreateGraph(t *testing.T) {
	apitest.Run(t, func(t *testing.T, env *apitest.Env) {
		const n = 10
		arns := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := env.Client(admin).CreateGraph(ctx, &detective.CreateGraphInput{})
				if errs[i] = err; err == nil {
					arns[i] = aws.ToString(out.GraphArn)
				}
			}()
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("CreateGraph #%d: %v", i, errs[i])
			}
			if arns[i] != arns[0] {
				t.Errorf("CreateGraph #%d = %s, want %s (one graph per account)", i, arns[i], arns[0])
			}
		}
	})
}
