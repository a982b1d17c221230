package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/freshet/freshet/engine"
	"github.com/freshet/freshet/ingest"
)

// WebhookMessage is the body a Webhook target posts: Alertmanager's
// webhook payload, version 4, so that anything that accepts Alertmanager's
// webhooks accepts Freshet's. One message carries one rule's alerts of one
// evaluation; grouping and throttling are left to the receiver.
type WebhookMessage struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []WebhookAlert    `json:"alerts"`
}

// WebhookAlert is one alert of a WebhookMessage. EndsAt is the zero time
// (0001-01-01T00:00:00Z) while the alert fires, as Alertmanager sends it.
type WebhookAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// EventRecord is one alert event as the Stream target writes it (one
// record each) and the HTTP target posts it ({"group", "rule", "alerts":
// [EventRecord…]}). Labels and annotations are JSON objects, which a
// VARCHAR column reads as JSON text (JSON_EXTRACT(labels, '$.service')).
type EventRecord struct {
	At          time.Time          `json:"at"`
	Group       string             `json:"rule_group"`
	Alert       string             `json:"alertname"`
	Status      string             `json:"status"`
	Fingerprint string             `json:"fingerprint"`
	Value       *float64           `json:"value"`
	Labels      map[string]string  `json:"labels"`
	Annotations map[string]string  `json:"annotations"`
	Values      map[string]float64 `json:"values,omitempty"`
	StartsAt    time.Time          `json:"starts_at"`
	EndsAt      *time.Time         `json:"ends_at"`
}

// EventStreamColumns is how a Stream target creates its stream when it
// does not exist yet.
const EventStreamColumns = "(at TIMESTAMP, rule_group VARCHAR, alertname VARCHAR, status VARCHAR, fingerprint VARCHAR, " +
	"value DOUBLE, labels VARCHAR, annotations VARCHAR, starts_at TIMESTAMP, ends_at TIMESTAMP) WITH (event_time = 'at')"

func eventRecords(n *Notification) []EventRecord {
	out := make([]EventRecord, len(n.Alerts))
	for i, a := range n.Alerts {
		out[i] = EventRecord{At: n.At, Group: n.Group, Alert: n.Rule, Status: a.Status, Fingerprint: a.Fingerprint,
			Value: a.Value, Labels: a.Labels, Annotations: a.Annotations, Values: a.Values, StartsAt: a.StartsAt}
		if !a.EndsAt.IsZero() {
			t := a.EndsAt
			out[i].EndsAt = &t
		}
	}
	return out
}

// webhookMessage builds the Alertmanager body of a notification.
func webhookMessage(n *Notification, externalURL string) *WebhookMessage {
	m := &WebhookMessage{
		Version: "4", Receiver: "freshet", Status: "resolved", ExternalURL: externalURL,
		GroupLabels: map[string]string{"alertname": n.Rule},
		GroupKey:    fmt.Sprintf("{}/{rule_group=%q}:{alertname=%q}", n.Group, n.Rule),
	}
	for i, a := range n.Alerts {
		if a.Status == "firing" {
			m.Status = "firing"
		}
		m.Alerts = append(m.Alerts, WebhookAlert{Status: a.Status, Labels: a.Labels, Annotations: orEmpty(a.Annotations),
			StartsAt: a.StartsAt, EndsAt: a.EndsAt, GeneratorURL: externalURL + "/v1/alerts", Fingerprint: a.Fingerprint})
		if i == 0 {
			m.CommonLabels, m.CommonAnnotations = copyMap(a.Labels), copyMap(orEmpty(a.Annotations))
			continue
		}
		intersect(m.CommonLabels, a.Labels)
		intersect(m.CommonAnnotations, a.Annotations)
	}
	return m
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func intersect(common, m map[string]string) {
	for k, v := range common {
		if w, ok := m[k]; !ok || w != v {
			delete(common, k)
		}
	}
}

// postJSON posts body and wants a 2xx answer.
func postJSON(ctx context.Context, client *http.Client, url string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode notification: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("post %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "freshet-alerts")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post %s: %w", url, err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post %s: %s: %s", url, resp.Status, strings.TrimSpace(string(text)))
	}
	return nil
}

type webhookSender struct {
	url, externalURL string
	client           *http.Client
}

func (s *webhookSender) send(ctx context.Context, n *Notification) error {
	return postJSON(ctx, s.client, s.url, webhookMessage(n, s.externalURL))
}

type httpSender struct {
	url    string
	client *http.Client
}

func (s *httpSender) send(ctx context.Context, n *Notification) error {
	return postJSON(ctx, s.client, s.url, map[string]any{"group": n.Group, "rule": n.Rule, "alerts": eventRecords(n)})
}

// streamSender writes one EventRecord per alert to a stream, creating the
// stream (EventStreamColumns) when the catalog does not have it.
type streamSender struct {
	eng    *engine.Engine
	stream string
}

func (s *streamSender) send(ctx context.Context, n *Notification) error {
	if _, ok := s.eng.Catalog().Stream(s.stream); !ok {
		res, err := s.eng.Execute(ctx, "CREATE STREAM IF NOT EXISTS `"+s.stream+"` "+EventStreamColumns)
		if err != nil {
			return fmt.Errorf("create alert stream %s: %w", s.stream, err)
		}
		res.Close()
	}
	var entries []ingest.PutEntry
	for _, r := range eventRecords(n) {
		data, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encode alert record: %w", err)
		}
		entries = append(entries, ingest.PutEntry{PartitionKey: r.Fingerprint, Data: data})
	}
	// Retry throttled entries here, so that a retry of the whole
	// notification does not write the others twice.
	backoff := 10 * time.Millisecond
	for len(entries) > 0 {
		res, err := s.eng.Store().PutRecords(ctx, s.stream, entries)
		if err != nil {
			return fmt.Errorf("write alerts to stream %s: %w", s.stream, err)
		}
		var retry []ingest.PutEntry
		for i, r := range res {
			if r.Err != nil {
				if !errors.Is(r.Err, ingest.ErrThrottled) {
					return fmt.Errorf("write alerts to stream %s: %w", s.stream, r.Err)
				}
				retry = append(retry, entries[i])
			}
		}
		entries = retry
		if len(entries) > 0 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("write alerts to stream %s: %w", s.stream, ctx.Err())
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
		}
	}
	return nil
}

type logSender struct{ log *slog.Logger }

func (s *logSender) send(ctx context.Context, n *Notification) error {
	for _, a := range n.Alerts {
		args := []any{"group", n.Group, "alertname", n.Rule, "status", a.Status, "labels", LabelString(a.Labels),
			"fingerprint", a.Fingerprint, "starts_at", a.StartsAt.UTC().Format(time.RFC3339)}
		if a.Value != nil {
			args = append(args, "value", *a.Value)
		}
		for _, k := range sortedKeys(a.Annotations) {
			args = append(args, k, a.Annotations[k])
		}
		s.log.Info("alert "+a.Status, args...)
	}
	return nil
}
