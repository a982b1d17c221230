package kinesisapi

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

// tokenTTL is how long a NextToken stays valid, as in Kinesis.
const tokenTTL = 300 * time.Second

// pageToken is the state a NextToken carries between pages of ListShards or
// ListStreams. It travels as base64url of its JSON; it is opaque to clients
// but not secret (it names only the stream and where the page ended).
type pageToken struct {
	Op      string       `json:"o"`           // the operation that issued it
	Stream  string       `json:"s,omitempty"` // ListShards: the stream
	After   string       `json:"a,omitempty"` // the last shard id / stream name returned
	Filter  *shardFilter `json:"f,omitempty"` // ListShards: the filter of the first call
	Max     int64        `json:"m,omitempty"` // the page size of the first call
	Created int64        `json:"c,omitempty"` // ListShards: stream creation, Unix ms
	Issued  int64        `json:"t"`           // when the token was issued, Unix ms
}

func (h *Handler) encodeToken(t pageToken) string {
	t.Issued = h.opts.Now().UnixMilli()
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken reads a NextToken issued by op, rejecting malformed,
// foreign and expired ones.
func (h *Handler) decodeToken(op, s string) (pageToken, error) {
	var t pageToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &t) != nil || t.Op != op {
		return pageToken{}, invalidArg("Invalid NextToken.")
	}
	issued := time.UnixMilli(t.Issued)
	if now := h.opts.Now(); now.Sub(issued) > tokenTTL {
		return pageToken{}, clientErr(typeExpiredToken, "The NextToken has expired: it was issued at %s and is valid for %d seconds.",
			issued.UTC().Format(time.RFC3339), int(tokenTTL.Seconds()))
	}
	return t, nil
}
