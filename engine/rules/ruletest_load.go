package rules

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// TestFile is a `freshet rules test` file: unit tests for rules, in the
// manner of `promtool test rules`.
//
//	rule_files: [errors.yaml]          # relative to the test file
//	tests:
//	  - name: api errors page after 2 minutes
//	    start: 2026-11-22T10:00:00Z     # default 1970-01-01T00:00:00Z
//	    setup:                          # SQL run first
//	      - CREATE STREAM logs (service VARCHAR, level VARCHAR, ts TIMESTAMP) WITH (event_time = 'ts')
//	    input_records:                  # by stream; each arrives at its time
//	      logs:
//	        - time: 1m10s               # after start, or an RFC 3339 time
//	          record: {service: api, level: ERROR}
//	          repeat: 3                 # optional: 3 records,
//	          every: 10s                #   10 s apart
//	    alert_rule_test:
//	      - eval_time: 4m
//	        alertname: HighErrorRate
//	        exp_alerts:                 # pending and firing instances
//	          - exp_labels: {service: api, severity: page}
//	            exp_annotations: {summary: "…"}   # compared when given
//	            exp_state: firing                  # default firing
//
// The event-time column of a record is set from its time unless the record
// gives it. Every group is evaluated at each tick of its interval from
// start; a check at eval_time sees the state after the last tick at or
// before it. Unlike promtool, pending instances are compared too.
type TestFile struct {
	Path      string
	RuleFiles []string // resolved against the test file's directory
	Tests     []TestCase
}

// TestCase is one test of a TestFile.
type TestCase struct {
	Name   string
	Start  time.Time
	Setup  []string
	Input  []InputRecord // in the file's order
	Checks []AlertCheck
	Pos    Pos
}

// InputRecord is one record to write before the evaluations.
type InputRecord struct {
	Stream string
	At     time.Time
	// Data is the record as JSON, with its event time set.
	Data []byte
	// record is the data before the event time is set.
	record map[string]any
	Pos    Pos
}

// AlertCheck is what one alert's instances must be at one moment.
type AlertCheck struct {
	At       time.Time
	Alert    string
	Expected []ExpectedAlert
	Pos      Pos
}

// ExpectedAlert is one expected instance. Labels leave out alertname;
// Annotations nil means they are not compared.
type ExpectedAlert struct {
	Labels      map[string]string
	Annotations map[string]string
	State       State
}

// LoadTests reads a test file.
func LoadTests(path string) (*TestFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rule tests: %w", err)
	}
	p := &fileParser{file: path, lines: strings.Split(string(data), "\n")}
	tf := &TestFile{Path: path}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		_, errs := parseFile(path, data) // the same YAML error, positioned
		return nil, errs.Err()
	}
	if len(root.Content) == 0 {
		return nil, &Error{Pos: Pos{File: path}, Msg: "empty test file"}
	}
	dir := filepath.Dir(path)
	p.mapping(root.Content[0], "the test file", map[string]func(v *yaml.Node){
		"rule_files": func(v *yaml.Node) {
			for _, f := range p.sequence(v, "rule_files") {
				name := p.str(f, "rule file")
				if name != "" && !filepath.IsAbs(name) {
					name = filepath.Join(dir, name)
				}
				tf.RuleFiles = append(tf.RuleFiles, name)
			}
		},
		"tests": func(v *yaml.Node) {
			for _, t := range p.sequence(v, "tests") {
				tf.Tests = append(tf.Tests, p.testCase(t))
			}
		},
	}, map[string]string{"evaluation_interval": "evaluation_interval is not needed: each group's interval is used"})
	if len(tf.RuleFiles) == 0 {
		p.errs.add(Pos{File: path, Line: 1}, "rule_files is missing")
	}
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	return tf, nil
}

func (p *fileParser) testCase(n *yaml.Node) TestCase {
	tc := TestCase{Pos: p.pos(n), Start: time.Unix(0, 0).UTC()}
	var inputs, checks *yaml.Node
	p.mapping(n, "test", map[string]func(v *yaml.Node){
		"name": func(v *yaml.Node) { tc.Name = p.str(v, "name") },
		"start": func(v *yaml.Node) {
			t, err := time.Parse(time.RFC3339, p.str(v, "start"))
			if err != nil {
				p.errorf(v, "start: want an RFC 3339 time like 2026-11-22T10:00:00Z")
			}
			tc.Start = t.UTC()
		},
		"setup": func(v *yaml.Node) {
			for _, s := range p.sequence(v, "setup") {
				tc.Setup = append(tc.Setup, p.str(s, "setup statement"))
			}
		},
		"input_records":   func(v *yaml.Node) { inputs = v },
		"alert_rule_test": func(v *yaml.Node) { checks = v },
	}, map[string]string{"input_series": "input_series is PromQL's; give input_records by stream"})
	// Times are read once start is known, whatever the order of the keys.
	if inputs != nil {
		if inputs.Kind != yaml.MappingNode {
			p.errorf(inputs, "input_records must map stream names to lists of records")
		} else {
			for i := 0; i+1 < len(inputs.Content); i += 2 {
				stream := inputs.Content[i].Value
				for _, r := range p.sequence(inputs.Content[i+1], "input_records."+stream) {
					tc.Input = append(tc.Input, p.inputRecords(r, stream, tc.Start)...)
				}
			}
		}
	}
	if checks != nil {
		for _, c := range p.sequence(checks, "alert_rule_test") {
			tc.Checks = append(tc.Checks, p.alertCheck(c, tc.Start))
		}
	}
	return tc
}

// moment reads a time as an offset from start ("1m30s") or RFC 3339.
func (p *fileParser) moment(v *yaml.Node, what string, start time.Time) time.Time {
	s := p.str(v, what)
	if d, err := ParseDuration(s); err == nil {
		return start.Add(d)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	p.errorf(v, "%s: want a duration after start (1m30s) or an RFC 3339 time", what)
	return start
}

func (p *fileParser) inputRecords(n *yaml.Node, stream string, start time.Time) []InputRecord {
	r := InputRecord{Stream: stream, Pos: p.pos(n), At: start}
	repeat, every := 1, time.Duration(0)
	p.mapping(n, "input record", map[string]func(v *yaml.Node){
		"time": func(v *yaml.Node) { r.At = p.moment(v, "time", start) },
		"record": func(v *yaml.Node) {
			if err := v.Decode(&r.record); err != nil || v.Kind != yaml.MappingNode {
				p.errorf(v, "record must be a mapping of column names to values")
			}
		},
		"repeat": func(v *yaml.Node) {
			if err := v.Decode(&repeat); err != nil || repeat < 1 {
				p.errorf(v, "repeat must be a positive integer")
				repeat = 1
			}
		},
		"every": func(v *yaml.Node) { every = p.duration(v, "every") },
	}, nil)
	out := make([]InputRecord, 0, repeat)
	for i := 0; i < repeat; i++ {
		c := r
		c.At = r.At.Add(time.Duration(i) * every)
		out = append(out, c)
	}
	return out
}

func (p *fileParser) alertCheck(n *yaml.Node, start time.Time) AlertCheck {
	c := AlertCheck{Pos: p.pos(n), At: start}
	p.mapping(n, "alert_rule_test", map[string]func(v *yaml.Node){
		"eval_time": func(v *yaml.Node) { c.At = p.moment(v, "eval_time", start) },
		"alertname": func(v *yaml.Node) { c.Alert = p.str(v, "alertname") },
		"exp_alerts": func(v *yaml.Node) {
			for _, e := range p.sequence(v, "exp_alerts") {
				x := ExpectedAlert{State: Firing, Labels: map[string]string{}}
				p.mapping(e, "expected alert", map[string]func(v *yaml.Node){
					"exp_labels":      func(v *yaml.Node) { x.Labels = p.strMap(v, "exp_labels", nil) },
					"exp_annotations": func(v *yaml.Node) { x.Annotations = orEmpty(p.strMap(v, "exp_annotations", nil)) },
					"exp_state": func(v *yaml.Node) {
						if err := x.State.UnmarshalText([]byte(p.str(v, "exp_state"))); err != nil || (x.State != Pending && x.State != Firing) {
							p.errorf(v, "exp_state must be pending or firing")
						}
					},
				}, nil)
				if x.Labels == nil {
					x.Labels = map[string]string{}
				}
				c.Expected = append(c.Expected, x)
			}
		},
	}, nil)
	if c.Alert == "" {
		p.errorf(n, "alertname is missing")
	}
	return c
}

// encode sets the record's event-time column (unless given) and writes it
// as JSON.
func (r *InputRecord) encode(eventTime string) error {
	rec := map[string]any{}
	for k, v := range r.record {
		rec[k] = v
	}
	if _, ok := rec[eventTime]; !ok {
		rec[eventTime] = r.At.UTC().Format(time.RFC3339Nano)
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("%s: record: %w", r.Pos, err)
	}
	r.Data = data
	return nil
}
