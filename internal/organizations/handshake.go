package organizations

import (
	"context"
	"strings"
	"time"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/lazyregexp"
	"github.com/detective-local/detective-local/internal/world"
)

// Handshake is an invitation as the handshake operations show it.
type Handshake struct {
	ID             string
	ARN            string
	Parties        []Party
	State          world.HandshakeState
	RequestedTime  time.Time
	ExpirationTime time.Time
	Action         string // INVITE
	Resources      []HandshakeResource
}

// Party is a party to a handshake.
type Party struct {
	ID   string
	Type string // ORGANIZATION, ACCOUNT or EMAIL
}

// HandshakeResource is a resource a handshake carries.
type HandshakeResource struct {
	Type, Value string
	Resources   []HandshakeResource
}

// handshakeView shows h as of now: an open handshake past its expiration
// reads EXPIRED, computed rather than stored, so every replica agrees.
func (s *Service) handshakeView(ctx context.Context, tx world.Tx, c detective.Caller, h world.Handshake) (Handshake, error) {
	email, err := rootEmail(ctx, tx, h.Management)
	if err != nil {
		return Handshake{}, err
	}
	var name string
	if m, err := tx.OrgAccount(ctx, h.Management); err == nil && m.Org == h.Org {
		name = m.Name
	} else if err != nil && detective.KindOf(err) != detective.KindNotFound {
		return Handshake{}, err
	}
	state := h.State
	if expired(h, s.now()) {
		state = world.HandshakeExpired
	}
	// AWS: the organization's resources are MASTER_EMAIL, MASTER_NAME and
	// ORGANIZATION_FEATURE_SET, whose value for ALL is "FULL"
	// (InviteAccountToOrganization example, API reference).
	fs := "FULL"
	if h.FeatureSet == world.FeatureSetConsolidatedBilling {
		fs = string(h.FeatureSet)
	}
	var orgRes []HandshakeResource
	if email != "" {
		orgRes = append(orgRes, HandshakeResource{Type: "MASTER_EMAIL", Value: email})
	}
	if name != "" {
		orgRes = append(orgRes, HandshakeResource{Type: "MASTER_NAME", Value: name})
	}
	orgRes = append(orgRes, HandshakeResource{Type: "ORGANIZATION_FEATURE_SET", Value: fs})
	res := []HandshakeResource{
		{Type: "ORGANIZATION", Value: h.Org, Resources: orgRes},
		{Type: string(h.TargetType), Value: h.Target},
	}
	if h.Notes != "" {
		res = append(res, HandshakeResource{Type: "NOTES", Value: h.Notes})
	}
	return Handshake{
		ID: h.ID, ARN: handshakeARN(partition(c), h),
		Parties:       []Party{{ID: h.Org, Type: "ORGANIZATION"}, {ID: h.Target, Type: string(h.TargetType)}},
		State:         state,
		RequestedTime: h.RequestedTime, ExpirationTime: h.ExpirationTime,
		Action: "INVITE", Resources: res,
	}, nil
}

// emailPattern is the model's Email pattern, anchored, compiled on first
// use rather than at start.
var emailPattern = lazyregexp.New(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

// InviteAccountToOrganizationInput is InviteAccountToOrganization's
// request. Tags are accepted and not kept: they would tag the account
// only once it joins, and handshakes are not taggable here.
type InviteAccountToOrganizationInput struct {
	TargetType world.HandshakePartyType
	Target     string
	Notes      string
}

// InviteAccountToOrganization invites an account, by ID or root e-mail, to
// join the caller's organization.
func (s *Service) InviteAccountToOrganization(ctx context.Context, c detective.Caller, in InviteAccountToOrganizationInput) (Handshake, error) {
	switch in.TargetType {
	case world.PartyAccount:
		if !detective.AccountID(in.Target).Valid() {
			return Handshake{}, InvalidInput("INVALID_PATTERN_TARGET_ID", "You specified a target ID that is not valid: an account ID is 12 digits.")
		}
	case world.PartyEmail:
		if !emailPattern().MatchString(in.Target) || len(in.Target) > 64 {
			return Handshake{}, InvalidInput("INVALID_EMAIL_ADDRESS_TARGET", "You specified a target e-mail address that is not valid.")
		}
	default:
		return Handshake{}, InvalidInput("INVALID_PARTY_TYPE_TARGET", "You specified the wrong type of entity (account, organization, or email) as a target.")
	}
	var out Handshake
	err := s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		invitee := detective.AccountID(in.Target)
		if in.TargetType == world.PartyEmail {
			if a, err := tx.AccountByEmail(ctx, in.Target); err == nil {
				invitee = a.ID
			} else if detective.KindOf(err) != detective.KindNotFound {
				return err
			}
		}
		if a, err := tx.OrgAccount(ctx, invitee); err == nil && a.Org == m.org.ID {
			return errAlreadyMember()
		} else if err != nil && detective.KindOf(err) != detective.KindNotFound {
			return err
		}
		now := s.now()
		open, err := tx.ListHandshakes(ctx, world.ListHandshakesParams{Org: m.org.ID})
		if err != nil {
			return err
		}
		for _, h := range open {
			if h.State == world.HandshakeOpen && !expired(h, now) && h.TargetType == in.TargetType && strings.EqualFold(h.Target, in.Target) {
				return newError(CodeDuplicateHandshake, "A handshake with the same action and target already exists.")
			}
		}
		h := world.Handshake{ID: s.ids.HandshakeID(), Org: m.org.ID, Management: m.org.Management, FeatureSet: m.org.FeatureSet,
			TargetType: in.TargetType, Target: in.Target, Notes: in.Notes, State: world.HandshakeOpen,
			RequestedTime: now, ExpirationTime: now.Add(s.cfg.HandshakeTTL)}
		if err := tx.PutHandshake(ctx, h); err != nil {
			return err
		}
		out, err = s.handshakeView(ctx, tx, c, h)
		return err
	})
	return out, err
}

func errAlreadyMember() *Error {
	return &Error{Code: CodeHandshakeConstraintViolation, Reason: "ALREADY_IN_AN_ORGANIZATION",
		Message: "The handshake request is invalid because the invited account is already a member of an organization."}
}

// targets reports whether h invites the caller: by account ID, or by the
// caller's known root e-mail.
func targets(ctx context.Context, tx world.Tx, h world.Handshake, c detective.Caller) (bool, error) {
	if h.TargetType == world.PartyAccount {
		return h.Target == string(c.Account), nil
	}
	email, err := rootEmail(ctx, tx, c.Account)
	return email != "" && strings.EqualFold(email, h.Target), err
}

// handshakeFor returns handshake id if the caller is its target (or, with
// sender, the management account of the organization that sent it);
// HandshakeNotFoundException otherwise, so that others learn nothing.
func handshakeFor(ctx context.Context, tx world.Tx, c detective.Caller, id string, sender bool) (world.Handshake, error) {
	h, err := tx.Handshake(ctx, id)
	if detective.KindOf(err) == detective.KindNotFound {
		return world.Handshake{}, errHandshakeNotFound()
	}
	if err != nil {
		return world.Handshake{}, err
	}
	if sender && h.Management == c.Account {
		return h, nil
	}
	ok, err := targets(ctx, tx, h, c)
	if err != nil {
		return world.Handshake{}, err
	}
	if !ok {
		return world.Handshake{}, errHandshakeNotFound()
	}
	return h, nil
}

// transition moves an open handshake to state to, or explains why it
// cannot: already there, or in another final state (or expired).
func (s *Service) transition(h *world.Handshake, to world.HandshakeState) error {
	switch {
	case h.State == to:
		return newError(CodeHandshakeAlreadyInState, "The specified handshake is already in the requested state.")
	case h.State != world.HandshakeOpen || expired(*h, s.now()):
		return newError(CodeInvalidHandshakeTransition, "You can't perform the operation on the handshake in its current state.")
	}
	h.State = to
	return nil
}

// AcceptHandshake accepts an invitation: the caller joins the inviting
// organization.
func (s *Service) AcceptHandshake(ctx context.Context, c detective.Caller, id string) (Handshake, error) {
	var out Handshake
	err := s.write(ctx, func(tx world.Tx) error {
		h, err := handshakeFor(ctx, tx, c, id, false)
		if err != nil {
			return err
		}
		o, err := tx.LockOrganization(ctx, h.Org)
		if err != nil {
			return err
		}
		if h, err = tx.Handshake(ctx, id); err != nil { // again, under the lock
			return err
		}
		if err := s.transition(&h, world.HandshakeAccepted); err != nil {
			return err
		}
		if _, err := tx.OrgAccount(ctx, c.Account); err == nil {
			return errAlreadyMember()
		} else if detective.KindOf(err) != detective.KindNotFound {
			return err
		}
		if err := s.join(ctx, tx, &o, world.OrgAccount{Account: c.Account, Method: world.JoinedInvited}); err != nil {
			return err
		}
		if err := tx.UpdateOrganization(ctx, o); err != nil {
			return err
		}
		h.Account = c.Account
		if err := tx.PutHandshake(ctx, h); err != nil {
			return err
		}
		out, err = s.handshakeView(ctx, tx, c, h)
		return err
	})
	return out, err
}

// DeclineHandshake declines an invitation addressed to the caller.
func (s *Service) DeclineHandshake(ctx context.Context, c detective.Caller, id string) (Handshake, error) {
	return s.endHandshake(ctx, c, id, false, world.HandshakeDeclined)
}

// CancelHandshake cancels an invitation the caller's organization sent.
func (s *Service) CancelHandshake(ctx context.Context, c detective.Caller, id string) (Handshake, error) {
	return s.endHandshake(ctx, c, id, true, world.HandshakeCanceled)
}

func (s *Service) endHandshake(ctx context.Context, c detective.Caller, id string, sender bool, to world.HandshakeState) (Handshake, error) {
	var out Handshake
	err := s.write(ctx, func(tx world.Tx) error {
		h, err := handshakeFor(ctx, tx, c, id, sender)
		if err != nil {
			return err
		}
		if sender && h.Management != c.Account {
			return errHandshakeNotFound()
		}
		if _, err := tx.LockOrganization(ctx, h.Org); err != nil {
			return err
		}
		if h, err = tx.Handshake(ctx, id); err != nil {
			return err
		}
		if err := s.transition(&h, to); err != nil {
			return err
		}
		if !sender {
			h.Account = c.Account
		}
		if err := tx.PutHandshake(ctx, h); err != nil {
			return err
		}
		out, err = s.handshakeView(ctx, tx, c, h)
		return err
	})
	return out, err
}

// DescribeHandshake returns a handshake the caller sent or received.
func (s *Service) DescribeHandshake(ctx context.Context, c detective.Caller, id string) (Handshake, error) {
	var out Handshake
	err := s.read(ctx, func(tx world.Tx) error {
		h, err := handshakeFor(ctx, tx, c, id, true)
		if err != nil {
			return err
		}
		out, err = s.handshakeView(ctx, tx, c, h)
		return err
	})
	return out, err
}

// ListHandshakesInput is the request of the ListHandshakes operations.
// ActionType filters by action; only INVITE handshakes exist.
type ListHandshakesInput struct {
	ActionType string
	NextToken  string
	MaxResults int
}

// ListHandshakesForAccount returns one page of the handshakes addressed to
// the caller, by account ID or root e-mail, ordered by ID.
func (s *Service) ListHandshakesForAccount(ctx context.Context, c detective.Caller, in ListHandshakesInput) ([]Handshake, string, error) {
	return s.listHandshakes(ctx, c, in, "ListHandshakesForAccount", func(tx world.Tx) (world.ListHandshakesParams, error) {
		email, err := rootEmail(ctx, tx, c.Account)
		return world.ListHandshakesParams{Account: c.Account, Email: email}, err
	})
}

// ListHandshakesForOrganization returns one page of the handshakes the
// caller's organization sent, ordered by ID.
func (s *Service) ListHandshakesForOrganization(ctx context.Context, c detective.Caller, in ListHandshakesInput) ([]Handshake, string, error) {
	return s.listHandshakes(ctx, c, in, "ListHandshakesForOrganization", func(tx world.Tx) (world.ListHandshakesParams, error) {
		m, err := readerOrg(ctx, tx, c)
		return world.ListHandshakesParams{Org: m.org.ID}, err
	})
}

func (s *Service) listHandshakes(ctx context.Context, c detective.Caller, in ListHandshakesInput, op string,
	selectFn func(world.Tx) (world.ListHandshakesParams, error)) ([]Handshake, string, error) {
	after, err := decodeToken(in.NextToken, op, in.ActionType)
	if err != nil {
		return nil, "", err
	}
	n := pageSize(in.MaxResults)
	var out []Handshake
	var next string
	err = s.read(ctx, func(tx world.Tx) error {
		p, err := selectFn(tx)
		if err != nil {
			return err
		}
		if in.ActionType != "" && in.ActionType != "INVITE" {
			return nil
		}
		p.After, p.Limit = after, n+1
		rows, err := tx.ListHandshakes(ctx, p)
		if err != nil {
			return err
		}
		rows, next = page(rows, n, op, in.ActionType, func(h world.Handshake) string { return h.ID })
		for _, h := range rows {
			v, err := s.handshakeView(ctx, tx, c, h)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, next, err
}
