package detective

import (
	"context"

	"github.com/detective-local/detective-local/internal/arn"
)

// MaxTags is how many tags a behavior graph may carry.
const MaxTags = 50

// TagResource adds or overwrites tags on c's behavior graph.
func (s *Service) TagResource(ctx context.Context, c Caller, resource arn.ARN, tags map[string]string) error {
	return s.store.Write(ctx, func(tx Tx) error {
		if _, err := s.adminGraph(ctx, tx, c, resource, true); err != nil {
			return err
		}
		have, err := tx.Tags(ctx, resource)
		if err != nil {
			return err
		}
		n := len(have)
		for k := range tags {
			if _, ok := have[k]; !ok {
				n++
			}
		}
		if n > MaxTags {
			return Invalid("A behavior graph can have at most %d tags; this request would give it %d", MaxTags, n)
		}
		return tx.PutTags(ctx, resource, tags)
	})
}

// UntagResource removes tags from c's behavior graph; keys it does not
// carry are ignored.
func (s *Service) UntagResource(ctx context.Context, c Caller, resource arn.ARN, keys []string) error {
	return s.store.Write(ctx, func(tx Tx) error {
		if _, err := s.adminGraph(ctx, tx, c, resource, true); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, resource, keys)
	})
}

// ListTagsForResource returns the tags of c's behavior graph.
func (s *Service) ListTagsForResource(ctx context.Context, c Caller, resource arn.ARN) (map[string]string, error) {
	var tags map[string]string
	err := s.store.Read(ctx, func(tx Tx) error {
		if _, err := s.adminGraph(ctx, tx, c, resource, false); err != nil {
			return err
		}
		var err error
		tags, err = tx.Tags(ctx, resource)
		return err
	})
	return tags, err
}
