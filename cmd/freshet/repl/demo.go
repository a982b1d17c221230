package repl

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DemoStream is the stream \demo creates.
const DemoStream = "demo_clicks"

// demoDDL creates the demo stream: event time from ts, a short watermark
// delay so that windows close a few seconds after they end.
const demoDDL = `CREATE STREAM IF NOT EXISTS demo_clicks (user_id VARCHAR, url VARCHAR, price DOUBLE, ts TIMESTAMP)
  WITH (shards = 2, event_time = 'ts', watermark_delay = '2s', idle_timeout = '10s')`

// DemoQuery is the windowed push query the demo suggests: every 10
// seconds of event time, views and revenue per page.
const DemoQuery = `SELECT url, COUNT(*) AS views, ROUND(SUM(price), 2) AS revenue, window_end
  FROM demo_clicks
  GROUP BY url, TUMBLE(ts, INTERVAL 10 SECOND)
  EMIT CHANGES;`

// Demo generator pace: a batch of about demoBatch clicks every demoTick.
const (
	demoTick  = 100 * time.Millisecond
	demoBatch = 30
)

// demoRun is the running generator.
type demoRun struct {
	cancel  context.CancelFunc
	done    sync.WaitGroup
	written atomic.Int64
	mu      sync.Mutex
	lastErr error
}

// startDemo creates the demo stream and starts writing clicks into it,
// with timestamps of now, until \demo stop or the end of the session.
func (r *REPL) startDemo(ctx context.Context) error {
	if d := r.demo; d != nil {
		d.mu.Lock()
		lastErr := d.lastErr
		d.mu.Unlock()
		fmt.Fprintf(r.cfg.Stdout, "The demo generator is running: %d records written to %s so far.\n", d.written.Load(), DemoStream)
		if lastErr != nil {
			fmt.Fprintf(r.cfg.Stdout, "Its last error: %v\n", lastErr)
		}
		return nil
	}
	if err := r.statement(ctx, statement{Text: demoDDL, Line: 1, Col: 1}, "", false); err != nil {
		return err
	}
	gctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d := &demoRun{cancel: cancel}
	d.done.Add(1)
	go func() {
		defer d.done.Done()
		d.generate(gctx, r.cfg.Backend)
	}()
	r.demo = d
	fmt.Fprintf(r.cfg.Stdout, `Writing about %d clicks a second into %s (\demo stop stops it). Try:

  %s

Windows close two seconds (the watermark delay) after their end, so rows
appear within about 15 seconds. \tail %s shows the raw records.
`, demoBatch*int(time.Second/demoTick), DemoStream, DemoQuery, DemoStream)
	return nil
}

// stopDemo stops the generator, if it runs, and returns how many records
// it wrote.
func (r *REPL) stopDemo() int64 {
	d := r.demo
	if d == nil {
		return 0
	}
	d.cancel()
	d.done.Wait()
	r.demo = nil
	return d.written.Load()
}

// generate writes batches of clicks until ctx ends; a failed batch (a
// server that went away) is retried a second later.
func (d *demoRun) generate(ctx context.Context, b Backend) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed))
	t := time.NewTicker(demoTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n := demoBatch/2 + rng.IntN(demoBatch+1)
		err := b.Exec(ctx, demoInsert(rng, time.Now(), n), ExecOptions{}, discard{})
		d.mu.Lock()
		d.lastErr = err
		d.mu.Unlock()
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			continue
		}
		d.written.Add(int64(n))
	}
}

// demoPage is a page of the demo shop, with how often it is visited.
type demoPage struct {
	url    string
	weight int
}

func demoPages() []demoPage {
	return []demoPage{
		{"/", 30}, {"/search", 20}, {"/products/shoes", 15}, {"/products/hats", 10},
		{"/products/bags", 8}, {"/cart", 9}, {"/checkout", 5}, {"/checkout/complete", 3},
	}
}

// demoInsert returns an INSERT of n clicks around now: a few hundred
// users, some much busier than others; purchases have a price. Timestamps
// trail now by up to a second, so they arrive slightly out of order.
func demoInsert(rng *rand.Rand, now time.Time, n int) string {
	pages := demoPages()
	total := 0
	for _, p := range pages {
		total += p.weight
	}
	var b strings.Builder
	b.WriteString("INSERT INTO demo_clicks VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		user := 1 + int(rng.ExpFloat64()*40)%300
		pick, url := rng.IntN(total), ""
		for _, p := range pages {
			if pick < p.weight {
				url = p.url
				break
			}
			pick -= p.weight
		}
		price := 0.0
		if url == "/checkout/complete" {
			price = float64(500+rng.IntN(25000)) / 100
		}
		ts := now.Add(-time.Duration(rng.IntN(1000)) * time.Millisecond).UTC()
		fmt.Fprintf(&b, "('u%03d', '%s', %.2f, '%s')", user, url, price, ts.Format("2006-01-02T15:04:05.000Z"))
	}
	return b.String()
}
