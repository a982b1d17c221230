package rules

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Notification is what one evaluation of one rule has to tell: the
// instances that became firing or resolved, and those whose resend is due.
// It is shared by every target and must not be modified.
type Notification struct {
	Group  string
	Rule   string
	At     time.Time
	Alerts []AlertEvent
}

// AlertEvent is one instance in a notification.
type AlertEvent struct {
	// Status is "firing" or "resolved".
	Status      string
	Labels      map[string]string
	Annotations map[string]string
	Value       *float64
	Values      map[string]float64
	// StartsAt is when the instance started firing; EndsAt when it
	// resolved (zero while firing).
	StartsAt    time.Time
	EndsAt      time.Time
	Fingerprint string
}

// sender delivers notifications to one target.
type sender interface {
	send(ctx context.Context, n *Notification) error
}

// dispatcher delivers one target's notifications in order, retrying a
// failed one with exponential backoff until it succeeds. Its queue is
// bounded: when it is full, the oldest waiting notification is dropped,
// logged and counted, so that a dead receiver cannot hold memory without
// limit (and never silently).
type dispatcher struct {
	name string
	s    sender
	log  *slog.Logger
	opts *Options

	mu      sync.Mutex
	queue   []*Notification
	changed chan struct{} // closed (and replaced) when the queue shrinks
	wake    chan struct{}

	sent, failed, dropped atomic.Int64

	cancel context.CancelFunc
	done   chan struct{}
}

func newDispatcher(name string, s sender, log *slog.Logger, opts *Options) *dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	d := &dispatcher{name: name, s: s, log: log, opts: opts, changed: make(chan struct{}),
		wake: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go d.run(ctx)
	return d
}

func (d *dispatcher) enqueue(n *Notification) {
	d.mu.Lock()
	if len(d.queue) >= d.opts.QueueSize {
		// Drop the oldest waiting one; the head may be in flight.
		i := min(1, len(d.queue)-1)
		gone := d.queue[i]
		d.queue = append(d.queue[:i], d.queue[i+1:]...)
		d.dropped.Add(1)
		d.log.Error("alert notification queue full: dropped the oldest waiting notification",
			"target", d.name, "group", gone.Group, "rule", gone.Rule, "alerts", len(gone.Alerts), "queue", d.opts.QueueSize)
	}
	d.queue = append(d.queue, n)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) head() *Notification {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.queue) == 0 {
		return nil
	}
	return d.queue[0]
}

// pop removes n if it is still at the head.
func (d *dispatcher) pop(n *Notification) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.queue) > 0 && d.queue[0] == n {
		d.queue = d.queue[1:]
		close(d.changed)
		d.changed = make(chan struct{})
	}
}

func (d *dispatcher) length() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.queue)
}

func (d *dispatcher) run(ctx context.Context) {
	defer close(d.done)
	for {
		n := d.head()
		if n == nil {
			select {
			case <-ctx.Done():
				return
			case <-d.wake:
				continue
			}
		}
		backoff := d.opts.RetryMin
		for attempt := 1; ; attempt++ {
			sctx, cancel := context.WithTimeout(ctx, d.opts.SendTimeout)
			err := d.s.send(sctx, n)
			cancel()
			if err == nil {
				d.sent.Add(1)
				d.pop(n)
				break
			}
			if ctx.Err() != nil {
				return
			}
			d.failed.Add(1)
			d.log.Warn("alert notification failed; will retry", "target", d.name, "group", n.Group, "rule", n.Rule,
				"attempt", attempt, "retry_in", backoff, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, d.opts.RetryMax)
			if d.head() != n { // dropped while we waited
				break
			}
		}
	}
}

// flush waits until the queue is empty or ctx ends.
func (d *dispatcher) flush(ctx context.Context) error {
	for {
		d.mu.Lock()
		if len(d.queue) == 0 {
			d.mu.Unlock()
			return nil
		}
		ch := d.changed
		d.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// stop ends delivery; what is still queued is logged and counted as
// dropped.
func (d *dispatcher) stop() {
	d.cancel()
	<-d.done
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range d.queue {
		d.dropped.Add(1)
		d.log.Error("alert notification not delivered before shutdown", "target", d.name, "group", n.Group, "rule", n.Rule, "alerts", len(n.Alerts))
	}
	d.queue = nil
}

// notifier fans notifications out to the dispatchers of the targets.
type notifier struct {
	mu          sync.Mutex
	dispatchers []*dispatcher
	retired     map[string]*dispatcher // stopped, kept for their counters
}

func (nf *notifier) notify(n *Notification) {
	nf.mu.Lock()
	defer nf.mu.Unlock()
	for _, d := range nf.dispatchers {
		d.enqueue(n)
	}
}

// set replaces the targets: dispatchers of targets that stay are kept with
// their queues; the others are flushed for a moment, then stopped.
func (nf *notifier) set(ctx context.Context, targets []Target, mk func(Target) *dispatcher) {
	nf.mu.Lock()
	old := map[string]*dispatcher{}
	for _, d := range nf.dispatchers {
		old[d.name] = d
	}
	var next []*dispatcher
	for _, t := range targets {
		name := t.String()
		if d, ok := old[name]; ok {
			next = append(next, d)
			delete(old, name)
			continue
		}
		if nf.retired[name] != nil {
			delete(nf.retired, name)
		}
		next = append(next, mk(t))
	}
	nf.dispatchers = next
	nf.mu.Unlock()
	for _, d := range old {
		d.flush(ctx)
		d.stop()
		nf.mu.Lock()
		if nf.retired == nil {
			nf.retired = map[string]*dispatcher{}
		}
		nf.retired[d.name] = d
		nf.mu.Unlock()
	}
}

func (nf *notifier) flush(ctx context.Context) error {
	nf.mu.Lock()
	ds := append([]*dispatcher(nil), nf.dispatchers...)
	nf.mu.Unlock()
	for _, d := range ds {
		if err := d.flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (nf *notifier) all() []*dispatcher {
	nf.mu.Lock()
	defer nf.mu.Unlock()
	out := append([]*dispatcher(nil), nf.dispatchers...)
	for _, d := range nf.retired {
		out = append(out, d)
	}
	return out
}
