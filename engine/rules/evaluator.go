package rules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/freshet/freshet/engine"
)

// Options configure an Evaluator. Engine is required; the zero value of
// the rest works.
type Options struct {
	// Engine runs the rules' queries and holds the stream a Stream target
	// writes to.
	Engine *engine.Engine
	// Dir keeps the alert state (alerts.json) across restarts; "" keeps it
	// in memory.
	Dir string
	// Source answers the queries (default Live{Engine}).
	Source Source
	// Now is the clock that names the ticks (default time.Now).
	Now func() time.Time
	// ResendInterval is how often a firing alert is notified again
	// (default 1 min).
	ResendInterval time.Duration
	// ExternalURL is this server's address, for the webhook's externalURL
	// and generatorURL.
	ExternalURL string
	// Logger receives rule errors, failed notifications and the Log
	// target's lines (default: discard).
	Logger *slog.Logger
	// HTTPClient posts webhooks (default: http.Client).
	HTTPClient *http.Client
	// QueueSize bounds each target's queue of undelivered notifications
	// (default 1000); beyond it the oldest waiting one is dropped, logged
	// and counted.
	QueueSize int
	// RetryMin and RetryMax bound the backoff between attempts to deliver
	// a notification (default 500 ms and 1 min).
	RetryMin, RetryMax time.Duration
	// SendTimeout bounds one delivery attempt (default 10 s).
	SendTimeout time.Duration
}

// Evaluator runs rule groups on their schedules, keeps the alerts' state
// (persisted in Options.Dir), and sends notifications. It is safe for
// concurrent use.
type Evaluator struct {
	opts Options
	src  Source
	log  *slog.Logger

	mu       sync.Mutex // guards groups, every ruleState and restored
	groups   []*groupState
	restored map[string]*savedRule // state from alerts.json not yet claimed by a rule
	running  bool
	closed   bool

	nf     notifier
	saveMu sync.Mutex
	saved  []byte // what StateFile holds; guarded by saveMu
	wg     sync.WaitGroup
}

// groupState is a loaded group, its rules' state and its schedule.
type groupState struct {
	g     Group
	rules []*ruleState
	loop  *groupLoop

	evaluations  int64
	missed       int64
	seconds      float64 // total evaluation time
	lastDuration time.Duration
	lastEval     time.Time
}

type groupLoop struct {
	interval time.Duration
	cancel   context.CancelFunc
	done     chan struct{}
}

// New returns an evaluator with no rules, restoring the alert state kept
// in opts.Dir. Load gives it rules; Start schedules them.
func New(opts Options) (*Evaluator, error) {
	if opts.Engine == nil {
		return nil, errors.New("new rule evaluator: Options.Engine is required")
	}
	if opts.Source == nil {
		opts.Source = Live{Engine: opts.Engine}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ResendInterval <= 0 {
		opts.ResendInterval = time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{}
	}
	if opts.QueueSize < 2 {
		opts.QueueSize = 1000
	}
	if opts.RetryMin <= 0 {
		opts.RetryMin = 500 * time.Millisecond
	}
	if opts.RetryMax < opts.RetryMin {
		opts.RetryMax = max(time.Minute, opts.RetryMin)
	}
	if opts.SendTimeout <= 0 {
		opts.SendTimeout = 10 * time.Second
	}
	ev := &Evaluator{opts: opts, src: opts.Source, log: opts.Logger}
	restored, err := loadState(opts.Dir)
	if err != nil {
		return nil, err
	}
	ev.restored = restored
	return ev, nil
}

// Load replaces the rules and the notification targets. Rules that are
// still there (same group, alert name and labels) keep their alerts'
// state; so do rules restored from alerts.json. A config whose SQL does
// not parse or whose templates are broken is refused as a whole (an
// ErrorList), and the rules already loaded stay. Streams and columns are
// not checked here: a rule that does not plan reports an error state at
// each tick until the stream exists.
func (ev *Evaluator) Load(cfg *Config) error {
	comp, errs := compile(cfg, nil, ev.opts.Engine.Functions())
	if err := errs.Err(); err != nil {
		return err
	}
	ev.mu.Lock()
	if ev.closed {
		ev.mu.Unlock()
		return errors.New("load rules: evaluator is closed")
	}
	prev := map[string]*ruleState{}
	prevGroups := map[string]*groupState{}
	for _, gs := range ev.groups {
		prevGroups[gs.g.Name] = gs
		for _, rs := range gs.rules {
			prev[gs.g.Name+"\x00"+rs.c.key] = rs
		}
	}
	var groups []*groupState
	for gi, g := range cfg.Groups {
		gs := &groupState{g: g}
		if old := prevGroups[g.Name]; old != nil {
			gs.evaluations, gs.missed, gs.seconds, gs.lastDuration, gs.lastEval = old.evaluations, old.missed, old.seconds, old.lastDuration, old.lastEval
		}
		for _, c := range comp[gi] {
			id := g.Name + "\x00" + c.key
			rs := prev[id]
			switch {
			case rs != nil:
				rs.c = c
			case ev.restored[id] != nil:
				rs = ev.restored[id].restore(c)
				delete(ev.restored, id)
			default:
				rs = newRuleState(c)
			}
			gs.rules = append(gs.rules, rs)
		}
		groups = append(groups, gs)
	}
	ev.restored = nil // the state of rules that are gone goes with them
	var stop []*groupLoop
	for _, old := range ev.groups {
		if old.loop == nil {
			continue
		}
		if gs := findGroup(groups, old.g.Name); gs != nil && gs.g.Every() == old.loop.interval {
			gs.loop = old.loop // the loop looks its group up by name at each tick
			continue
		}
		stop = append(stop, old.loop)
	}
	ev.groups = groups
	if ev.running {
		for _, gs := range groups {
			if gs.loop == nil {
				gs.loop = ev.startLoop(gs.g.Name, gs.g.Every())
			}
		}
	}
	ev.mu.Unlock()
	for _, l := range stop {
		l.cancel()
		<-l.done
	}
	ctx, cancel := context.WithTimeout(context.Background(), ev.opts.SendTimeout)
	defer cancel()
	ev.nf.set(ctx, cfg.Notify, ev.newDispatcher)
	return ev.save()
}

func findGroup(groups []*groupState, name string) *groupState {
	for _, gs := range groups {
		if gs.g.Name == name {
			return gs
		}
	}
	return nil
}

func (ev *Evaluator) newDispatcher(t Target) *dispatcher {
	var s sender
	switch t.Kind {
	case Webhook:
		s = &webhookSender{url: t.URL, externalURL: ev.opts.ExternalURL, client: ev.opts.HTTPClient}
	case HTTP:
		s = &httpSender{url: t.URL, client: ev.opts.HTTPClient}
	case Stream:
		s = &streamSender{eng: ev.opts.Engine, stream: t.Stream}
	default:
		s = &logSender{log: ev.log}
	}
	return newDispatcher(t.String(), s, ev.log, &ev.opts)
}

// Start evaluates every group at each multiple of its interval (aligned
// to the Unix epoch, as a backtest's ticks are) until Close, each group in
// its own goroutine: evaluation never holds up ingestion or persistent
// queries, and a slow group does not delay the others.
func (ev *Evaluator) Start() {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.running || ev.closed {
		return
	}
	ev.running = true
	for _, gs := range ev.groups {
		gs.loop = ev.startLoop(gs.g.Name, gs.g.Every())
	}
}

// startLoop runs with ev.mu held.
func (ev *Evaluator) startLoop(name string, interval time.Duration) *groupLoop {
	ctx, cancel := context.WithCancel(context.Background())
	l := &groupLoop{interval: interval, cancel: cancel, done: make(chan struct{})}
	ev.wg.Add(1)
	go func() {
		defer ev.wg.Done()
		defer close(l.done)
		next := ev.opts.Now().Truncate(interval).Add(interval)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(next)):
			}
			if err := ev.EvalGroup(ctx, name, next); err != nil && ctx.Err() == nil {
				ev.log.Warn("evaluate rule group", "group", name, "err", err)
			}
			now := ev.opts.Now()
			next = next.Add(interval)
			if !next.After(now) { // the evaluation took longer than the interval
				skipped := int64(now.Sub(next)/interval) + 1
				next = next.Add(time.Duration(skipped) * interval)
				ev.mu.Lock()
				if gs := findGroup(ev.groups, name); gs != nil {
					gs.missed += skipped
				}
				ev.mu.Unlock()
			}
		}
	}()
	return l
}

// Eval evaluates every group at the tick at, one after the other, and
// sends the notifications that are due. Tests and tools drive time with
// it; Start calls EvalGroup on each group's schedule.
func (ev *Evaluator) Eval(ctx context.Context, at time.Time) error {
	ev.mu.Lock()
	names := make([]string, len(ev.groups))
	for i, gs := range ev.groups {
		names[i] = gs.g.Name
	}
	ev.mu.Unlock()
	var errs []error
	for _, name := range names {
		if err := ev.EvalGroup(ctx, name, at); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// EvalGroup evaluates one group's rules at the tick at, in order. A rule
// whose query fails is put in the error state (and retried at the next
// tick); that is not an error of EvalGroup, which fails only for an
// unknown group or a cancelled ctx. The state is saved afterwards.
func (ev *Evaluator) EvalGroup(ctx context.Context, name string, at time.Time) error {
	ev.mu.Lock()
	gs := findGroup(ev.groups, name)
	if gs == nil {
		ev.mu.Unlock()
		return fmt.Errorf("evaluate rules: no group %q", name)
	}
	rules := append([]*ruleState(nil), gs.rules...)
	interval := gs.g.Every()
	ev.mu.Unlock()

	start := time.Now()
	for _, rs := range rules {
		ev.mu.Lock()
		text := rs.c.rule.SQL
		ev.mu.Unlock()
		t0 := time.Now()
		qctx, cancel := context.WithTimeout(ctx, interval)
		rows, err := query(qctx, ev.src, text, at)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("query took longer than the group's interval (%s)", FormatDuration(interval))
		}
		ev.mu.Lock()
		events := rs.record(at, rows, err, time.Since(t0))
		n := rs.due(at, ev.opts.ResendInterval)
		ev.mu.Unlock()
		for _, e := range events {
			if e.To == "error" {
				ev.log.Warn("alert rule failed; retrying at the next tick", "group", e.Group, "rule", e.Rule, "err", e.Error)
			} else {
				ev.log.Debug("alert "+e.To, "group", e.Group, "rule", e.Rule, "labels", LabelString(e.Labels), "from", e.From)
			}
		}
		if n != nil {
			ev.nf.notify(n)
		}
	}
	took := time.Since(start)
	ev.mu.Lock()
	gs.evaluations++
	gs.seconds += took.Seconds()
	gs.lastDuration, gs.lastEval = took, at
	ev.mu.Unlock()
	if err := ev.save(); err != nil {
		ev.log.Error("save alert state", "err", err)
	}
	return nil
}

// Flush waits until every notification queued so far has been delivered,
// or ctx ends.
func (ev *Evaluator) Flush(ctx context.Context) error { return ev.nf.flush(ctx) }

// Close stops the schedules, gives undelivered notifications until ctx
// ends to go out (the rest are logged and counted as dropped), and saves
// the state.
func (ev *Evaluator) Close(ctx context.Context) error {
	ev.mu.Lock()
	if ev.closed {
		ev.mu.Unlock()
		return nil
	}
	ev.closed = true
	var loops []*groupLoop
	for _, gs := range ev.groups {
		if gs.loop != nil {
			loops = append(loops, gs.loop)
		}
	}
	ev.mu.Unlock()
	for _, l := range loops {
		l.cancel()
	}
	ev.wg.Wait()
	ev.nf.flush(ctx)
	ev.nf.set(ctx, nil, nil)
	return ev.save()
}
