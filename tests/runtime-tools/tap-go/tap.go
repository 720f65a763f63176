// Package tap is a minimal, hand-written stand-in for github.com/mndrix/tap-go
// (not available offline). It implements only the API used by the OCI
// runtime-tools validation suite and emits TAP version 13.
package tap

import (
	"fmt"
	"io"
	"os"
	"strings"

	yaml "gopkg.in/yaml.v3"
)

// T is a TAP producer.
type T struct {
	nextTestNumber *int
	// TODO marks subsequent test points as TODO.
	TODO bool
	// Writer receives the output (os.Stdout by default).
	Writer io.Writer
}

// New creates a TAP producer writing to stdout.
func New() *T {
	n := 1
	return &T{nextTestNumber: &n, Writer: os.Stdout}
}

func (t *T) printf(format string, a ...interface{}) {
	w := t.Writer
	if w == nil {
		w = os.Stdout
	}
	fmt.Fprintf(w, format, a...)
}

// Header prints the TAP version line and, when testCount > 0, the plan.
func (t *T) Header(testCount int) {
	t.printf("TAP version 13\n")
	if testCount > 0 {
		t.printf("1..%d\n", testCount)
	}
}

// Ok emits a test point.
func (t *T) Ok(test bool, description string) {
	ok := "ok"
	if !test {
		ok = "not ok"
	}
	directive := ""
	if t.TODO {
		directive = " # TODO"
	}
	if description != "" {
		t.printf("%s %d - %s%s\n", ok, *t.nextTestNumber, description, directive)
	} else {
		t.printf("%s %d%s\n", ok, *t.nextTestNumber, directive)
	}
	*t.nextTestNumber++
}

// Fail emits a failing test point.
func (t *T) Fail(description string) { t.Ok(false, description) }

// Pass emits a passing test point.
func (t *T) Pass(description string) { t.Ok(true, description) }

// Count returns the number of test points emitted so far.
func (t *T) Count() int { return *t.nextTestNumber - 1 }

// AutoPlan prints the plan from the number of emitted test points.
func (t *T) AutoPlan() { t.printf("1..%d\n", t.Count()) }

// Todo returns a copy of t sharing the counter, with TODO set.
func (t *T) Todo() *T {
	n := *t
	n.TODO = true
	return &n
}

// Skip emits count skipped test points.
func (t *T) Skip(count int, description string) {
	for i := 0; i < count; i++ {
		t.printf("ok %d # SKIP %s\n", *t.nextTestNumber, description)
		*t.nextTestNumber++
	}
}

// Diagnostic prints a comment line (multi-line messages are all commented).
func (t *T) Diagnostic(message string) {
	t.printf("# %s\n", strings.Replace(message, "\n", "\n# ", -1))
}

// Diagnosticf is Diagnostic with formatting.
func (t *T) Diagnosticf(format string, a ...interface{}) {
	t.Diagnostic(fmt.Sprintf(format, a...))
}

// YAML emits a YAML diagnostic block.
func (t *T) YAML(message interface{}) error {
	b, err := yaml.Marshal(message)
	if err != nil {
		return err
	}
	t.printf("  ---\n")
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		t.printf("  %s\n", line)
	}
	t.printf("  ...\n")
	return nil
}
