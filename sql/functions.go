package sql

import (
	"fmt"
	"sort"
	"strings"
)

// FuncKind says where a function may appear.
type FuncKind int

// The function kinds.
const (
	// ScalarFunc computes a value per row.
	ScalarFunc FuncKind = iota + 1
	// AggregateFunc folds the rows of a group (COUNT, SUM, …).
	AggregateFunc
	// WindowFunc assigns windows (TUMBLE, HOP, SESSION); GROUP BY only.
	WindowFunc
	// WindowBoundFunc is the start or end of the GROUP BY window
	// (TUMBLE_START, HOP_END, …); select list, HAVING and ORDER BY only.
	WindowBoundFunc
)

// String names the kind.
func (k FuncKind) String() string {
	switch k {
	case ScalarFunc:
		return "scalar"
	case AggregateFunc:
		return "aggregate"
	case WindowFunc:
		return "window"
	case WindowBoundFunc:
		return "window bound"
	}
	return "unknown"
}

// Func describes a SQL function: its name, kind and signature. The registry
// holds descriptions only; the engine evaluates functions by Name.
type Func struct {
	// Name is the canonical name, lower case; bound Calls and AggCalls use it.
	Name string
	// Aliases are other names for the function (SUBSTR for SUBSTRING).
	Aliases []string
	Kind    FuncKind
	// Synopsis shows the signature in error messages.
	Synopsis string
	// MinArgs and MaxArgs bound the number of arguments; MaxArgs < 0 means
	// any number.
	MinArgs, MaxArgs int
	// Star allows F(*) (COUNT); Distinct allows F(DISTINCT x).
	Star, Distinct bool
	// ConstArgs are the indexes of arguments that must be literals.
	ConstArgs []int
	// Check validates the argument types (after binding) and returns the
	// result type and the type each argument is coerced to. A type error
	// about one argument is an *ArgError.
	Check func(args []Type) (result Type, want []Type, err error)
	// CheckConst, if set, validates each literal argument's value after
	// coercion (an APPROX_PERCENTILE fraction, an EXTRACT unit, a regular
	// expression).
	CheckConst func(arg int, v Value) error
}

// ArgError is a type error about argument Arg (0-based) of a call.
type ArgError struct {
	Arg int
	Msg string
}

func (e *ArgError) Error() string { return fmt.Sprintf("argument %d: %s", e.Arg+1, e.Msg) }

// Functions is a registry of SQL functions. Build it with NewFunctions;
// add more with Register.
type Functions struct {
	byName map[string]*Func
}

// NewFunctions returns a registry holding the built-in functions.
func NewFunctions() *Functions {
	f := &Functions{byName: map[string]*Func{}}
	for _, fn := range builtinFunctions() {
		if err := f.Register(fn); err != nil {
			// The built-in list is fixed: a clash is a programming error.
			panic(err)
		}
	}
	return f
}

// Register adds a function under its name and aliases.
func (f *Functions) Register(fn Func) error {
	if fn.Name == "" || fn.Check == nil || fn.Kind == 0 {
		return fmt.Errorf("register function %q: name, kind and check are required", fn.Name)
	}
	names := append([]string{fn.Name}, fn.Aliases...)
	for _, n := range names {
		if _, dup := f.byName[lower(n)]; dup {
			return fmt.Errorf("register function %q: %s is already defined", fn.Name, n)
		}
	}
	stored := fn
	stored.Name = lower(fn.Name)
	for _, n := range names {
		f.byName[lower(n)] = &stored
	}
	return nil
}

// Lookup returns the function called name (or an alias), ignoring case.
func (f *Functions) Lookup(name string) (*Func, bool) {
	fn, ok := f.byName[lower(name)]
	return fn, ok
}

// Names returns the canonical names of all functions, sorted.
func (f *Functions) Names() []string {
	seen := map[string]bool{}
	var out []string
	for _, fn := range f.byName {
		if !seen[fn.Name] {
			seen[fn.Name] = true
			out = append(out, fn.Name)
		}
	}
	sort.Strings(out)
	return out
}

// arity describes how many arguments fn takes.
func (fn *Func) arity() string {
	switch {
	case fn.MaxArgs < 0:
		return fmt.Sprintf("at least %d argument%s", fn.MinArgs, plural(fn.MinArgs))
	case fn.MinArgs == fn.MaxArgs:
		return fmt.Sprintf("%d argument%s", fn.MinArgs, plural(fn.MinArgs))
	}
	return fmt.Sprintf("%d to %d arguments", fn.MinArgs, fn.MaxArgs)
}

// upperName is the function's name as shown in messages.
func (fn *Func) upperName() string { return strings.ToUpper(fn.Name) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
