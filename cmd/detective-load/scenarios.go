package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/detective"
	"github.com/aws/aws-sdk-go-v2/service/detective/types"
)

const (
	graphMembers = 1000 // members of the read scenarios' graphs
	getBatch     = 10   // accounts per GetMembers
	pageSize     = 200  // MaxResults of ListMembers
	createBatch  = 50   // the API's limit of accounts per CreateMembers
)

// A scenario is one kind of load. Every worker of a run calls iterate in a
// loop until the run's deadline; iterate sends its requests through
// w.call, which times and counts them.
type scenario struct {
	n       int    // 1-based; distinguishes the scenarios' accounts
	name    string // as --scenarios spells it
	about   string // for --help
	admin   string // the account administering the scenario's graph
	members int    // members the graph is set up with
	iterate func(ctx context.Context, w *worker)
}

// scenarios returns the four scenarios, each administered by its own
// account so that their graphs are independent.
func scenarios() []scenario {
	return []scenario{
		{n: 1, name: "get-members", admin: "100000000001", members: graphMembers, iterate: getMembers,
			about: fmt.Sprintf("GetMembers of %d random accounts of a %d-member graph", getBatch, graphMembers)},
		{n: 2, name: "list-members", admin: "100000000002", members: graphMembers, iterate: listMembers,
			about: fmt.Sprintf("ListMembers, MaxResults %d, paging through all of a %d-member graph", pageSize, graphMembers)},
		{n: 3, name: "create-delete", admin: "100000000003", iterate: createDelete,
			about: "CreateMembers of one account, then DeleteMembers of it"},
		{n: 4, name: "invite-cycle", admin: "100000000004", iterate: inviteCycle,
			about: "admin CreateMembers → member ListInvitations → member AcceptInvitation → admin DeleteMembers"},
	}
}

// graphMember is the i-th member account of scenario n's graph.
func graphMember(n, i int) string { return fmt.Sprintf("2%d%010d", n, i) }

// workerAccount is worker w's own member account in scenario n. Each
// iteration deletes the member again, so runs at different concurrencies
// can reuse the accounts.
func workerAccount(n, w int) string { return fmt.Sprintf("3%d%010d", n, w) }

// setup creates the scenario's graph, with its members, and returns its ARN.
func (sc scenario) setup(ctx context.Context, admin *detective.Client) (string, error) {
	g, err := admin.CreateGraph(ctx, &detective.CreateGraphInput{})
	if err != nil {
		return "", fmt.Errorf("%s: CreateGraph: %w", sc.name, err)
	}
	for i := 0; i < sc.members; i += createBatch {
		var accts []types.Account
		for j := i; j < min(i+createBatch, sc.members); j++ {
			accts = append(accts, account(graphMember(sc.n, j)))
		}
		out, err := admin.CreateMembers(ctx, &detective.CreateMembersInput{GraphArn: g.GraphArn, Accounts: accts})
		if err == nil {
			err = unprocessed(out.UnprocessedAccounts)
		}
		if err != nil {
			return "", fmt.Errorf("%s: CreateMembers: %w", sc.name, err)
		}
	}
	return aws.ToString(g.GraphArn), nil
}

func account(id string) types.Account {
	return types.Account{AccountId: aws.String(id), EmailAddress: aws.String(id + "@example.com")}
}

// unprocessed turns a non-empty UnprocessedAccounts into an error: the SDK
// reports success, but the load did not do what it meant to.
func unprocessed(us []types.UnprocessedAccount) error {
	if len(us) == 0 {
		return nil
	}
	return fmt.Errorf("%d unprocessed accounts, first %s: %s",
		len(us), aws.ToString(us[0].AccountId), aws.ToString(us[0].Reason))
}

func getMembers(ctx context.Context, w *worker) {
	ids := make([]string, 0, getBatch)
	for _, i := range w.rng.Perm(graphMembers)[:getBatch] {
		ids = append(ids, graphMember(w.scenario, i))
	}
	w.call(ctx, "GetMembers", func(ctx context.Context) error {
		out, err := w.admin.GetMembers(ctx, &detective.GetMembersInput{GraphArn: &w.graph, AccountIds: ids})
		if err != nil {
			return err
		}
		if len(out.MemberDetails) != len(ids) {
			return fmt.Errorf("%d member details, want %d", len(out.MemberDetails), len(ids))
		}
		return unprocessed(out.UnprocessedAccounts)
	})
}

func listMembers(ctx context.Context, w *worker) {
	var token *string
	seen := 0
	// A server that never ends the listing must not keep the worker past
	// its deadline: allow twice the pages needed.
	for page := 0; page < 2*graphMembers/pageSize; page++ {
		ok := w.call(ctx, "ListMembers", func(ctx context.Context) error {
			out, err := w.admin.ListMembers(ctx, &detective.ListMembersInput{
				GraphArn: &w.graph, MaxResults: aws.Int32(pageSize), NextToken: token})
			if err != nil {
				return err
			}
			seen += len(out.MemberDetails)
			token = out.NextToken
			if token == nil && seen != graphMembers {
				return fmt.Errorf("listed %d members, want %d", seen, graphMembers)
			}
			return nil
		})
		if !ok || token == nil {
			return
		}
	}
	w.fail("ListMembers", errors.New("paging did not end"))
}

func createDelete(ctx context.Context, w *worker) {
	w.createMember(ctx)
	// Delete even when the create failed: a member left over from an
	// earlier failure is what makes a create fail, and deleting heals it.
	w.deleteMember(ctx)
}

func inviteCycle(ctx context.Context, w *worker) {
	defer w.deleteMember(ctx) // as in createDelete, always clean up
	if !w.createMember(ctx) {
		return
	}
	ok := w.call(ctx, "ListInvitations", func(ctx context.Context) error {
		out, err := w.member.ListInvitations(ctx, &detective.ListInvitationsInput{})
		if err != nil {
			return err
		}
		i := slices.IndexFunc(out.Invitations, func(m types.MemberDetail) bool { return aws.ToString(m.GraphArn) == w.graph })
		if i < 0 {
			return fmt.Errorf("no invitation to %s among %d", w.graph, len(out.Invitations))
		}
		if s := out.Invitations[i].Status; s != types.MemberStatusInvited {
			return fmt.Errorf("invitation status %s, want INVITED", s)
		}
		return nil
	})
	if !ok {
		return
	}
	w.call(ctx, "AcceptInvitation", func(ctx context.Context) error {
		_, err := w.member.AcceptInvitation(ctx, &detective.AcceptInvitationInput{GraphArn: &w.graph})
		return err
	})
}

func (w *worker) createMember(ctx context.Context) bool {
	return w.call(ctx, "CreateMembers", func(ctx context.Context) error {
		out, err := w.admin.CreateMembers(ctx, &detective.CreateMembersInput{
			GraphArn: &w.graph, Accounts: []types.Account{account(w.account)}})
		if err != nil {
			return err
		}
		if err := unprocessed(out.UnprocessedAccounts); err != nil {
			return err
		}
		if len(out.Members) != 1 {
			return fmt.Errorf("%d members created, want 1", len(out.Members))
		}
		return nil
	})
}

func (w *worker) deleteMember(ctx context.Context) {
	w.call(ctx, "DeleteMembers", func(ctx context.Context) error {
		out, err := w.admin.DeleteMembers(ctx, &detective.DeleteMembersInput{
			GraphArn: &w.graph, AccountIds: []string{w.account}})
		if err != nil {
			return err
		}
		if err := unprocessed(out.UnprocessedAccounts); err != nil {
			return err
		}
		if !slices.Equal(out.AccountIds, []string{w.account}) {
			return fmt.Errorf("deleted %s, want %s", strings.Join(out.AccountIds, ","), w.account)
		}
		return nil
	})
}

// newRand returns worker w's random source. The seed is fixed so that
// every run asks for the same accounts in the same order.
func newRand(scenario, w int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(scenario), uint64(w)))
}
