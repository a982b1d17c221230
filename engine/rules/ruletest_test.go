package rules_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/freshet/freshet/engine/rules"
)

func runTestFile(t *testing.T, name string) (int, string) {
	t.Helper()
	tf, err := rules.LoadTests(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	failed, err := rules.RunTests(context.Background(), tf, &out)
	if err != nil {
		t.Fatal(err)
	}
	return failed, out.String()
}

func TestRuleTestsPass(t *testing.T) {
	failed, out := runTestFile(t, "errors_test.yaml")
	if failed != 0 || !strings.HasSuffix(out, "PASS: 2 tests\n") {
		t.Fatalf("%d failed:\n%s", failed, out)
	}
}

func TestRuleTestsFail(t *testing.T) {
	failed, out := runTestFile(t, "errors_fail_test.yaml")
	want := `ok      ../../testdata/rules/errors_fail_test.yaml:5:5: test "pending after the first errors"
FAILED  ../../testdata/rules/errors_fail_test.yaml:22:5: test "firing too early (wrong on purpose)"
  ../../testdata/rules/errors_fail_test.yaml:33:9: at 3m (2026-11-22T10:03:00Z), alert HighErrorRate:
    expected:
      firing  {service="api", severity="page"} annotations {summary="api logged 6 errors in 2 minutes"}
    got:
      pending {service="api", severity="page"} annotations {summary="api logged 6 errors in 2 minutes"}
FAIL: 1 of 2 tests failed
`
	if failed != 1 || out != want {
		t.Fatalf("%d failed:\n%s\nwant:\n%s", failed, out, want)
	}
}
