package rules

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"unicode"
)

// templateData is what label and annotation templates see, through the
// variables Prometheus defines: $labels (the instance's text columns),
// $value (its first numeric column) and $values (every numeric column by
// name).
type templateData struct {
	Labels map[string]string
	Values map[string]float64
	Value  float64
}

// templatePrelude defines the variables, as Prometheus prepends them to
// every alert template.
const templatePrelude = "{{$labels := .Labels}}{{$values := .Values}}{{$value := .Value}}"

var templateErrRE = regexp.MustCompile(`^template: [^:]*:(\d+)(?::(\d+))?: (.*)$`)

// templateError is a template that does not parse, at a line (and
// column, when text/template says) of the template's text.
type templateError struct {
	Line, Col int
	Msg       string
}

func (e *templateError) Error() string {
	where := "template"
	if e.Line > 0 {
		where += " line " + strconv.Itoa(e.Line)
		if e.Col > 0 {
			where += ":" + strconv.Itoa(e.Col)
		}
	}
	return where + ": " + e.Msg
}

// parseTemplate parses one label or annotation template; its error is a
// *templateError.
func parseTemplate(name, text string) (*template.Template, error) {
	t, err := template.New(name).Option("missingkey=zero").Funcs(templateFuncs).Parse(templatePrelude + text)
	if err != nil {
		te := &templateError{Msg: err.Error()}
		if m := templateErrRE.FindStringSubmatch(te.Msg); m != nil {
			te.Line, _ = strconv.Atoi(m[1])
			if m[2] != "" {
				te.Col, _ = strconv.Atoi(m[2])
				if te.Line == 1 {
					te.Col -= len(templatePrelude)
				}
			}
			te.Msg = m[3]
		}
		return nil, te
	}
	return t, nil
}

// expand runs a parsed template; a failure is written into the result, as
// Prometheus does, so that the alert still goes out.
func expand(t *template.Template, d *templateData) string {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		msg := err.Error()
		if m := templateErrRE.FindStringSubmatch(msg); m != nil {
			msg = m[3] // the position counts the prelude: leave it out
		}
		return "<error expanding template: " + msg + ">"
	}
	return b.String()
}

// templateFuncs are the Prometheus template functions that make sense
// here.
var templateFuncs = template.FuncMap{
	"toUpper":            strings.ToUpper,
	"toLower":            strings.ToLower,
	"title":              title,
	"match":              regexp.MatchString,
	"reReplaceAll":       reReplaceAll,
	"humanize":           humanize,
	"humanizePercentage": func(v any) (string, error) { f, err := toFloat(v); return fmt.Sprintf("%.4g%%", f*100), err },
	"humanizeDuration":   humanizeDuration,
}

func title(s string) string {
	prev := ' '
	return strings.Map(func(r rune) rune {
		defer func() { prev = r }()
		if unicode.IsSpace(prev) || prev == '-' || prev == '_' {
			return unicode.ToUpper(r)
		}
		return r
	}, s)
}

func reReplaceAll(pattern, repl, text string) (string, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", err
	}
	return re.ReplaceAllString(text, repl), nil
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case string:
		return strconv.ParseFloat(x, 64)
	}
	return 0, fmt.Errorf("not a number: %v", v)
}

// humanize writes a number with an SI prefix: 1.234k, 5M, 12m.
func humanize(v any) (string, error) {
	f, err := toFloat(v)
	if err != nil {
		return "", err
	}
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Sprintf("%.4g", f), nil
	}
	if math.Abs(f) >= 1 {
		prefix := ""
		for _, p := range []string{"k", "M", "G", "T", "P", "E", "Z", "Y"} {
			if math.Abs(f) < 1000 {
				break
			}
			prefix, f = p, f/1000
		}
		return fmt.Sprintf("%.4g%s", f, prefix), nil
	}
	prefix := ""
	for _, p := range []string{"m", "u", "n", "p", "f", "a", "z", "y"} {
		if math.Abs(f) >= 1 {
			break
		}
		prefix, f = p, f*1000
	}
	return fmt.Sprintf("%.4g%s", f, prefix), nil
}

// humanizeDuration writes seconds as "1d 2h 3m 4s" (or "1.5s", "12ms").
func humanizeDuration(v any) (string, error) {
	f, err := toFloat(v)
	if err != nil {
		return "", err
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Sprintf("%.4g", f), nil
	}
	if math.Abs(f) < 1 {
		if f == 0 {
			return "0s", nil
		}
		return fmt.Sprintf("%.4gms", f*1000), nil
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	secs := int64(f)
	days, hours, mins := secs/86400, secs/3600%24, secs/60%60
	s := math.Round((f-float64(secs/60*60))*1000) / 1000
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%dh", hours))
	}
	if mins > 0 {
		parts = append(parts, fmt.Sprintf("%dm", mins))
	}
	if s > 0 || len(parts) == 0 {
		parts = append(parts, strconv.FormatFloat(s, 'f', -1, 64)+"s")
	}
	return sign + strings.Join(parts, " "), nil
}
