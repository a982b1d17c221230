package kinesisapi

import (
	"context"

	"github.com/freshet/freshet/ingest"
)

type retentionRequest struct {
	streamRef
	RetentionPeriodHours *int64
}

func (h *Handler) increaseRetention(ctx context.Context, body, out []byte) ([]byte, error) {
	return h.changeRetention(ctx, body, out, true)
}

func (h *Handler) decreaseRetention(ctx context.Context, body, out []byte) ([]byte, error) {
	return h.changeRetention(ctx, body, out, false)
}

// changeRetention sets a stream's retention period. As in Kinesis, an
// increase must lengthen it and a decrease shorten it, within 24..8760 hours;
// unlike Kinesis, a request for the current period is refused too, so that
// the operation always does what its name says.
func (h *Handler) changeRetention(ctx context.Context, body, out []byte, increase bool) ([]byte, error) {
	var in retentionRequest
	if err := decode(body, &in); err != nil {
		return out, err
	}
	var v validation
	v.notNull("retentionPeriodHours", in.RetentionPeriodHours != nil)
	if err := v.err(); err != nil {
		return out, err
	}
	name, err := h.resolve(in.streamRef)
	if err != nil {
		return out, err
	}
	hours := *in.RetentionPeriodHours
	switch {
	case hours < ingest.MinRetentionHours:
		return out, invalidArg("Minimum allowed retention period is %d hours. Requested retention period (%d hours) is too short.", ingest.MinRetentionHours, hours)
	case hours > ingest.MaxRetentionHours:
		return out, invalidArg("Maximum allowed retention period is %d hours. Requested retention period (%d hours) is too long.", ingest.MaxRetentionHours, hours)
	}
	d, err := h.store.DescribeStream(ctx, name)
	if err != nil {
		return out, err
	}
	cur := int64(d.RetentionHours)
	switch {
	case increase && hours <= cur:
		return out, invalidArg("Requested retention period (%d hours) for stream %s can not be shorter than or equal to the existing retention period (%d hours). Use DecreaseStreamRetentionPeriod API.", hours, name, cur)
	case !increase && hours >= cur:
		return out, invalidArg("Requested retention period (%d hours) for stream %s can not be longer than or equal to the existing retention period (%d hours). Use IncreaseStreamRetentionPeriod API.", hours, name, cur)
	}
	if err := h.store.SetRetention(ctx, name, int(hours)); err != nil {
		return out, err
	}
	return append(out, "{}"...), nil
}
