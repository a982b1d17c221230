// Package rules runs alert rules: SQL snapshot queries evaluated on a
// schedule, whose result rows are alerts, with Prometheus's alert life
// cycle, notifications, and backtests over history.
//
// # Rule files
//
// Rule files have the shape of Prometheus rule groups, with sql instead of
// expr, plus a top-level notify list:
//
//	groups:
//	  - name: api
//	    interval: 1m                  # default 1m; ticks are multiples of it
//	    rules:
//	      - alert: HighErrorRate
//	        sql: |
//	          SELECT service, COUNT(*) AS errors FROM logs
//	          WHERE level = 'ERROR' AND ts > NOW() - INTERVAL 5 MINUTE
//	          GROUP BY service HAVING errors > 100
//	        for: 2m
//	        keep_firing_for: 5m
//	        labels: {severity: page}
//	        annotations:
//	          summary: "{{ $labels.service }}: {{ $value }} errors"
//	notify:
//	  - webhook: http://alertmanager:9093/hook   # Alertmanager's webhook body, version 4
//	  - http: https://example.com/alerts         # Freshet's JSON (EventRecord)
//	  - stream: alerts                           # one record per event, queryable
//	  - log: true                                # the server log
//
// Load reads a file or a directory of them (this package is where rule
// YAML is parsed, with gopkg.in/yaml.v3, whose node tree keeps the line and
// column of every value); Check validates the SQL (parsed, and planned when
// a catalog is given) and the templates. Errors are an ErrorList of
// file:line:col positions; a SQL error also says its line:column inside the
// sql, and is mapped to the file for literal blocks (|) and one-line
// values.
//
// # Evaluation
//
// At each tick E of its group, a rule's SQL runs as a snapshot with NOW() =
// E (Source). Each row is one instance: text, boolean and timestamp columns
// are labels, numeric ones values; the rule's labels are added (they win)
// and alertname is set. Templates use Prometheus's syntax and variables:
// $labels (the row's labels), $value (the first numeric column) and
// $values (all numeric columns by name), with text/template and a few of
// Prometheus's functions (humanize, humanizeDuration, humanizePercentage,
// toUpper, toLower, title, match, reReplaceAll).
//
// States follow Prometheus's alerting rule exactly (state.go): a new
// instance is pending, fires once it has been active for `for` (at once
// with for: 0), stays firing keep_firing_for after its row disappeared,
// then is resolved and kept listed for ResolvedRetention; a pending
// instance whose row disappears is forgotten. An instance is identified by
// the fingerprint of its label set. A rule whose query fails is in error
// (SHOW ALERTS shows it) and keeps its instances as they were; the next
// tick tries again.
//
// An Evaluator runs each group in its own goroutine (Start), so rule
// evaluation never holds up ingestion or persistent queries, which run
// elsewhere; Eval and EvalGroup evaluate at an explicit tick (tests,
// tools). The state of every instance is saved after each group's
// evaluation to StateFile in Options.Dir, atomically (renameio), and
// restored by New; Load replaces the rules and keeps the state of the
// rules that stay (same group, alert name and labels), so a reload (SIGHUP,
// POST /v1/rules/reload) loses nothing.
//
// # Notifications
//
// An instance is notified when it becomes firing, again every
// Options.ResendInterval while it fires, and once when it resolves
// (transitions, not throttled: grouping is the receiver's job). One
// Notification carries one rule's instances of one evaluation. Each target
// has a dispatcher goroutine with a bounded queue: a failed delivery is
// logged and retried with exponential backoff until it succeeds; when the
// queue is full its oldest waiting notification is dropped, logged and
// counted (freshet_alert_notifications_dropped_total), as is what is still
// queued at shutdown. Nothing is lost silently.
//
// # History and backtests
//
// Backtest evaluates every rule at every tick of a range over a Source,
// with the same state machine, and returns the Timeline of changes;
// RunTests runs `freshet rules test` files (TestFile) on a fresh in-memory
// engine whose records arrive at their event times.
//
// Source is the one seam to the data. History answers as a server running
// at E would have: records that had arrived by E with event time at or
// before E (engine.ExecOptions.EventTimeUntil), NOW() = E, over the
// streams' whole history (engine.ExecOptions.History): for a stream with
// an archive, the archived records that retention has dropped and then the
// retained ones, each record once, so a backtest reaches as far back as
// the lake does. Each tick's scan of the lake reads only the hour
// partitions its query's NOW()-relative WHERE allows. Should retention
// drop records in the middle of a tick's query (engine.ErrHistoryTrimmed),
// the query runs again. A backtest warns, stream by stream, about the
// records neither retained nor archived (engine.HistoryGaps) that its
// range may need: how many, and when they arrived.
//
// The evaluator implements engine.AlertSource (SHOW ALERTS and GET
// /v1/alerts), Handler serves GET /v1/rules and POST /v1/rules/reload, and
// WriteMetrics writes evaluation counts, failures and durations, missed
// ticks, pending and firing instances, and notifications sent, failed,
// dropped and queued.
package rules
