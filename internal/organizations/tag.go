package organizations

import (
	"context"

	"github.com/detective-local/detective-local/internal/detective"
	"github.com/detective-local/detective-local/internal/world"
)

// tagTarget checks that resource is taggable in the caller's organization:
// one of its accounts or its root.
func tagTarget(ctx context.Context, tx world.Tx, m membership, resource string) error {
	if resource == m.org.RootID {
		return nil
	}
	if a, err := tx.OrgAccount(ctx, detective.AccountID(resource)); err == nil && a.Org == m.org.ID {
		return nil
	} else if err != nil && detective.KindOf(err) != detective.KindNotFound {
		return err
	}
	return newError(CodeTargetNotFound, "We can't find a root, OU, account, or policy with the TargetId that you specified.")
}

// ListTagsForResource returns the tags of an account or the root of the
// caller's organization, ordered by key.
func (s *Service) ListTagsForResource(ctx context.Context, c detective.Caller, resource, token string) ([]world.OrgTag, error) {
	if _, err := decodeToken(token, "ListTagsForResource", resource); err != nil {
		return nil, err
	}
	var out []world.OrgTag
	err := s.read(ctx, func(tx world.Tx) error {
		m, err := readerOrg(ctx, tx, c)
		if err != nil {
			return err
		}
		if err := tagTarget(ctx, tx, m, resource); err != nil {
			return err
		}
		if token == "" {
			out, err = tx.OrgTags(ctx, m.org.ID, resource)
		}
		return err
	})
	return out, err
}

// maxTags is AWS's limit of tags on one resource.
const maxTags = 50

// TagResource adds or overwrites tags on an account or the root.
func (s *Service) TagResource(ctx context.Context, c detective.Caller, resource string, tags []world.OrgTag) error {
	return s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		if err := tagTarget(ctx, tx, m, resource); err != nil {
			return err
		}
		old, err := tx.OrgTags(ctx, m.org.ID, resource)
		if err != nil {
			return err
		}
		keys := map[string]bool{}
		for _, t := range append(old, tags...) {
			keys[t.Key] = true
		}
		if len(keys) > maxTags {
			return constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the number of tags allowed on this resource.")
		}
		return tx.PutOrgTags(ctx, m.org.ID, resource, tags)
	})
}

// UntagResource removes tag keys from an account or the root.
func (s *Service) UntagResource(ctx context.Context, c detective.Caller, resource string, keys []string) error {
	return s.write(ctx, func(tx world.Tx) error {
		m, err := managementOrg(ctx, tx, c, true)
		if err != nil {
			return err
		}
		if err := tagTarget(ctx, tx, m, resource); err != nil {
			return err
		}
		return tx.DeleteOrgTags(ctx, m.org.ID, resource, keys)
	})
}
