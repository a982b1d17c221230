package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/engine/rules"
)

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// envList splits a comma-separated environment variable.
func envList(name string) stringList {
	var out stringList
	for _, s := range strings.Split(os.Getenv(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// alerting is the alert-rule evaluator of `freshet serve`: the rules of
// --rules, the webhooks of --alert-webhook, reloads on SIGHUP and POST
// /v1/rules/reload.
type alerting struct {
	c   *serveConfig
	ev  *rules.Evaluator
	log *slog.Logger
}

// startAlerting loads the rules and starts their schedules; nil when
// neither --rules nor --alert-webhook is given.
func startAlerting(c *serveConfig, eng *engine.Engine, externalURL string, logger *slog.Logger) (*alerting, error) {
	if c.rules == "" && len(c.alertWebhooks) == 0 {
		return nil, nil
	}
	a := &alerting{c: c, log: logger}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	ev, err := rules.New(rules.Options{Engine: eng, Dir: engineDir(c.dataDir), ResendInterval: c.resendInterval,
		ExternalURL: externalURL, Logger: logger})
	if err != nil {
		return nil, err
	}
	if err := ev.Load(cfg); err != nil {
		ev.Close(context.Background())
		return nil, err
	}
	a.ev = ev
	eng.SetAlertSource(ev)
	ev.Start()
	n := 0
	for _, g := range cfg.Groups {
		n += len(g.Rules)
	}
	logger.Info("alert rules loaded", "groups", len(cfg.Groups), "rules", n, "targets", len(cfg.Notify))
	return a, nil
}

// config reads the rule files and adds the command line's webhooks.
func (a *alerting) config() (*rules.Config, error) {
	cfg := &rules.Config{}
	if a.c.rules != "" {
		var err error
		if cfg, err = rules.Load(a.c.rules); err != nil {
			return nil, err
		}
	}
	for _, u := range a.c.alertWebhooks {
		cfg.Notify = append(cfg.Notify, rules.Target{Kind: rules.Webhook, URL: u})
	}
	if err := cfg.Validate().Err(); err != nil {
		return nil, fmt.Errorf("--alert-webhook: %w", err)
	}
	return cfg, nil
}

// reload re-reads the rule files; the alerts of the rules that stay keep
// their state. A failed reload keeps the rules that were running.
func (a *alerting) reload() error {
	cfg, err := a.config()
	if err == nil {
		err = a.ev.Load(cfg)
	}
	if err != nil {
		a.log.Error("reload alert rules: keeping the rules that were loaded", "err", err)
		return err
	}
	a.log.Info("alert rules reloaded", "groups", len(cfg.Groups))
	return nil
}

// mount serves GET /v1/rules and POST /v1/rules/reload beside the query API.
func (a *alerting) mount(mux *http.ServeMux) {
	h := rules.Handler(a.ev, a.reload)
	mux.Handle("/v1/rules", h)
	mux.Handle("/v1/rules/", h)
}

// watchSIGHUP reloads the rules on each SIGHUP until ctx ends.
func (a *alerting) watchSIGHUP(ctx context.Context) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	go func() {
		defer signal.Stop(sig)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
				a.log.Info("SIGHUP: reloading alert rules")
				a.reload()
			}
		}
	}()
}

// close stops the schedules and gives pending notifications a few seconds.
func (a *alerting) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.ev.Close(ctx); err != nil {
		a.log.Warn("close alert rules", "err", err)
	}
}
