package repl

import "strings"

// input gathers lines until they complete statements. It keeps the text
// since the last point where nothing was left unfinished, so that the
// positions of later statements stay right, and remembers how much of it
// has already run.
type input struct {
	text  string // lines since the input was last empty, each ended by "\n"
	done  int    // bytes of text whose statements have been handed out
	first int    // input line number where text starts
	lines int    // lines read so far
	open  byte   // see split
}

// add reads one line and returns the statements it completes.
func (in *input) add(line string) []statement {
	if in.text == "" {
		in.first = in.lines + 1
	}
	in.lines++
	in.text += line + "\n"
	cuts, rest, open, blank := split(in.text)
	var fresh []cut
	for _, c := range cuts {
		if c.start >= in.done {
			fresh = append(fresh, c)
		}
	}
	out := statements(in.text, fresh, in.first)
	in.done = max(in.done, rest)
	in.open = open
	if open == 0 && blank {
		in.reset()
	}
	return out
}

// skip counts a line that is not SQL (a meta-command).
func (in *input) skip() { in.lines++ }

// empty reports whether no statement is unfinished.
func (in *input) empty() bool { return in.text == "" }

// unfinished returns the text of the statement being typed.
func (in *input) unfinished() string { return in.text[in.done:] }

// reset drops the unfinished statement.
func (in *input) reset() {
	in.text, in.done, in.open = "", 0, 0
}

// finish returns the unfinished statement at the end of the input, which
// runs although no semicolon ended it.
func (in *input) finish() []statement {
	defer in.reset()
	if in.text == "" {
		return nil
	}
	if cuts, _, open, _ := split(in.text + ";"); open == 0 {
		var fresh []cut
		for _, c := range cuts {
			if c.start >= in.done {
				fresh = append(fresh, c)
			}
		}
		return statements(in.text, fresh, in.first)
	}
	// An unterminated string or comment: hand it over as it is, and let
	// the parser say what is wrong where.
	start := in.done + len(in.text[in.done:]) - len(strings.TrimLeft(in.text[in.done:], " \t\r\n"))
	end := trimEnd(in.text, start, len(in.text))
	return statements(in.text, []cut{{start, end}}, in.first)
}
