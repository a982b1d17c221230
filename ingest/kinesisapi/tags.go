package kinesisapi

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxTagsPerCall is how many tags one AddTagsToStream or
// RemoveTagsFromStream call may name, as in Kinesis.
const maxTagsPerCall = 10

// checkTags validates a tag map: at most maxEntries entries, keys of 1..128
// and values of 0..256 characters.
func checkTags(v *validation, tags map[string]string, maxEntries int) {
	if len(tags) > maxEntries {
		v.add(fmt.Sprintf("'{%d tags}'", len(tags)), "tags", fmt.Sprintf("Member must have length less than or equal to %d", maxEntries))
	}
	keysOK, valuesOK := true, true
	for k, val := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			keysOK = false
		}
		if utf8.RuneCountInString(val) > 256 {
			valuesOK = false
		}
	}
	if !keysOK {
		v.add(fmt.Sprintf("'{%d tags}'", len(tags)), "tags", "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
	}
	if !valuesOK {
		v.add(fmt.Sprintf("'{%d tags}'", len(tags)), "tags", "Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]")
	}
}

type addTagsRequest struct {
	streamRef
	Tags map[string]string
}

func (h *Handler) addTags(ctx context.Context, body, out []byte) ([]byte, error) {
	var in addTagsRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if v.notNull("tags", in.Tags != nil) {
		if len(in.Tags) == 0 {
			v.add("'{}'", "tags", "Member must have length greater than or equal to 1")
		}
		checkTags(&v, in.Tags, maxTagsPerCall)
	}
	if err := v.err(); err != nil {
		return out, err
	}
	name, err := h.resolve(in.streamRef)
	if err != nil {
		return out, err
	}
	if err := h.store.AddTags(ctx, name, in.Tags); err != nil {
		return out, err
	}
	return append(out, "{}"...), nil
}

type removeTagsRequest struct {
	streamRef
	TagKeys []string
}

func (h *Handler) removeTags(ctx context.Context, body, out []byte) ([]byte, error) {
	var in removeTagsRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	if v.notNull("tagKeys", in.TagKeys != nil) {
		if n := len(in.TagKeys); n < 1 || n > maxTagsPerCall {
			v.add("'["+strings.Join(in.TagKeys, ", ")+"]'", "tagKeys", fmt.Sprintf("Member must have length less than or equal to %d, Member must have length greater than or equal to 1", maxTagsPerCall))
		}
		for _, k := range in.TagKeys {
			if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
				v.add("'["+strings.Join(in.TagKeys, ", ")+"]'", "tagKeys", "Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
				break
			}
		}
	}
	if err := v.err(); err != nil {
		return out, err
	}
	name, err := h.resolve(in.streamRef)
	if err != nil {
		return out, err
	}
	if err := h.store.RemoveTags(ctx, name, in.TagKeys); err != nil {
		return out, err
	}
	return append(out, "{}"...), nil
}

type listTagsRequest struct {
	streamRef
	ExclusiveStartTagKey *string
	Limit                *int64
}

type tagJSON struct {
	Key   string
	Value string
}

func (h *Handler) listTags(ctx context.Context, body, out []byte) ([]byte, error) {
	var in listTagsRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	limit := int64(50)
	if in.Limit != nil {
		limit = *in.Limit
		v.intRange("limit", limit, 1, 50)
	}
	if in.ExclusiveStartTagKey != nil {
		v.length("exclusiveStartTagKey", *in.ExclusiveStartTagKey, 1, 128)
	}
	if err := v.err(); err != nil {
		return out, err
	}
	_, d, err := h.describe(ctx, in.streamRef)
	if err != nil {
		return out, err
	}
	keys := make([]string, 0, len(d.Tags))
	for k := range d.Tags {
		if in.ExclusiveStartTagKey == nil || k > *in.ExclusiveStartTagKey {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	resp := struct {
		HasMoreTags bool
		Tags        []tagJSON
	}{Tags: []tagJSON{}}
	if int64(len(keys)) > limit {
		keys, resp.HasMoreTags = keys[:limit], true
	}
	for _, k := range keys {
		resp.Tags = append(resp.Tags, tagJSON{Key: k, Value: d.Tags[k]})
	}
	return encode(out, resp)
}
