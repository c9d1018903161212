package sqlite

import (
	"context"
	"encoding/json"
	"unicode/utf8"

	"github.com/detective-local/detective-local/internal/arn"
)

const (
	tagsQuery = `SELECT key, value FROM tags WHERE resource_arn = ?`
	// putTagsQuery upserts every pair of a JSON object in one statement.
	// The WHERE true is SQLite's required disambiguation between an
	// upsert's ON CONFLICT and a join in INSERT ... SELECT.
	putTagsQuery = `INSERT INTO tags (resource_arn, key, value)
		SELECT ?1, key, value FROM json_each(?2) WHERE true
		ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`
	deleteTagsQuery = `DELETE FROM tags
		WHERE resource_arn = ?1 AND key IN (SELECT value FROM json_each(?2))`
)

// Tags returns the tags of resource: an empty map, never nil, if none.
func (t *tx) Tags(ctx context.Context, resource arn.ARN) (map[string]string, error) {
	rows, err := t.stmt(ctx, &t.st.tags).QueryContext(ctx, resource.String())
	if err != nil {
		return nil, wrap("tags", err)
	}
	defer rows.Close()
	tags := make(map[string]string)
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, wrap("tags", err)
		}
		tags[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("tags", err)
	}
	return tags, nil
}

// PutTags adds or overwrites tags on resource.
func (t *tx) PutTags(ctx context.Context, resource arn.ARN, tags map[string]string) error {
	if len(tags) == 0 {
		return nil
	}
	for k, v := range tags {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return wrap("put tags", errNotUTF8)
		}
	}
	obj, err := json.Marshal(tags)
	if err != nil {
		return wrap("put tags", err)
	}
	if _, err := t.stmt(ctx, &t.st.putTags).ExecContext(ctx, resource.String(), string(obj)); err != nil {
		return wrap("put tags", err)
	}
	return nil
}

// DeleteTags removes the given keys from resource; absent keys are ignored.
func (t *tx) DeleteTags(ctx context.Context, resource arn.ARN, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	arr, err := jsonArray(keys)
	if err != nil {
		return wrap("delete tags", err)
	}
	if _, err := t.stmt(ctx, &t.st.deleteTags).ExecContext(ctx, resource.String(), arr); err != nil {
		return wrap("delete tags", err)
	}
	return nil
}
