package repl

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/freshet/freshet/engine/encode"
)

// Format is how a Printer shows rows.
type Format string

// The formats.
const (
	// FormatTable aligns columns under a header and ends with a row count;
	// values wider than Printer's maximum width are cut with "…".
	FormatTable Format = "table"
	// FormatCSV writes a header line, then RFC 4180 lines; NULL is empty.
	FormatCSV Format = "csv"
	// FormatJSON writes one JSON object per row.
	FormatJSON Format = "json"
	// FormatVertical writes each row as a block of "column | value" lines.
	FormatVertical Format = "vertical"
)

// Formats lists the formats, for help and completion.
func Formats() []Format { return []Format{FormatTable, FormatCSV, FormatJSON, FormatVertical} }

// ParseFormat returns the format called s.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want table, csv, json or vertical)", s)
}

// DefaultMaxWidth is the widest a table column gets.
const DefaultMaxWidth = 60

// pushMinWidth is the narrowest a push query's table column gets, as its
// widths are fixed by the first rows.
const pushMinWidth = 10

// Printer is a ResultWriter that shows results in a Format. A snapshot's
// table is printed when End is called, so that its columns line up; a push
// query's table is printed batch by batch, its column widths fixed by the
// first batch. The other formats write each row as it comes.
type Printer struct {
	w        io.Writer
	format   Format
	maxWidth int

	cols    []string
	push    bool
	started bool
	n       int        // rows of the current result
	rows    [][]string // table: cells waiting to be printed
	widths  []int      // push table: widths fixed by the first batch
}

var _ ResultWriter = (*Printer)(nil)

// NewPrinter returns a printer writing to w.
func NewPrinter(w io.Writer, f Format) *Printer {
	return &Printer{w: w, format: f, maxWidth: DefaultMaxWidth}
}

// SetOutput sends the following results to w.
func (p *Printer) SetOutput(w io.Writer) { p.w = w }

// SetFormat switches the format for the following results.
func (p *Printer) SetFormat(f Format) { p.format = f }

// Format returns the current format.
func (p *Printer) Format() Format { return p.format }

// Columns implements ResultWriter: it starts a result.
func (p *Printer) Columns(names []string, push bool) error {
	*p = Printer{w: p.w, format: p.format, maxWidth: p.maxWidth, cols: names, push: push, started: true}
	if p.format == FormatCSV {
		return p.csvLine(names)
	}
	return nil
}

// Row implements ResultWriter.
func (p *Printer) Row(cells []Cell) error {
	p.n++
	switch p.format {
	case FormatCSV:
		b := make([]byte, 0, 64)
		for i, c := range cells {
			if i > 0 {
				b = append(b, ',')
			}
			b = encode.AppendCSVField(b, c.Text)
		}
		_, err := p.w.Write(append(b, '\n'))
		return err
	case FormatJSON:
		var b strings.Builder
		b.WriteByte('{')
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonString(p.name(i)))
			b.WriteByte(':')
			b.WriteString(c.JSON)
		}
		b.WriteString("}\n")
		_, err := io.WriteString(p.w, b.String())
		return err
	case FormatVertical:
		return p.vertical(cells)
	}
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = showText(c)
	}
	p.rows = append(p.rows, row)
	return nil
}

// Flush implements ResultWriter: a push query's table rows are printed.
func (p *Printer) Flush() error {
	if p.format != FormatTable || !p.push || len(p.rows) == 0 {
		return nil
	}
	var b strings.Builder
	if p.widths == nil {
		p.widths = p.measure()
		// Later rows may be wider (counts grow): leave them room.
		for i := range p.widths {
			p.widths[i] = max(p.widths[i], min(pushMinWidth, p.maxWidth))
		}
		p.header(&b)
	}
	for _, r := range p.rows {
		p.line(&b, r)
	}
	p.rows = p.rows[:0]
	_, err := io.WriteString(p.w, b.String())
	return err
}

// Message implements ResultWriter.
func (p *Printer) Message(text string) error {
	_, err := fmt.Fprintln(p.w, text)
	return err
}

// End finishes the current result: a snapshot's table is printed, the
// table and vertical formats end with the row count. It returns the number
// of rows and whether the result had any columns.
func (p *Printer) End() (rows int, hadColumns bool, err error) {
	if !p.started {
		return 0, false, nil
	}
	n := p.n
	var b strings.Builder
	switch p.format {
	case FormatTable:
		if p.widths == nil {
			p.widths = p.measure()
			p.header(&b)
		}
		for _, r := range p.rows {
			p.line(&b, r)
		}
		b.WriteString(rowCount(n))
	case FormatVertical:
		b.WriteString(rowCount(n))
	}
	*p = Printer{w: p.w, format: p.format, maxWidth: p.maxWidth}
	_, err = io.WriteString(p.w, b.String())
	return n, true, err
}

func rowCount(n int) string {
	if n == 1 {
		return "(1 row)\n"
	}
	return fmt.Sprintf("(%d rows)\n", n)
}

func (p *Printer) name(i int) string {
	if i < len(p.cols) {
		return p.cols[i]
	}
	return fmt.Sprintf("column%d", i+1)
}

// measure returns the column widths for the buffered rows.
func (p *Printer) measure() []int {
	widths := make([]int, len(p.cols))
	for i, c := range p.cols {
		widths[i] = utf8.RuneCountInString(c)
	}
	for _, r := range p.rows {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c))
			}
		}
	}
	for i := range widths {
		widths[i] = min(widths[i], max(p.maxWidth, 2))
	}
	return widths
}

func (p *Printer) header(b *strings.Builder) {
	p.line(b, p.cols)
	for i, wd := range p.widths {
		if i > 0 {
			b.WriteString("-+-")
		}
		b.WriteString(strings.Repeat("-", wd))
	}
	b.WriteByte('\n')
}

// line writes one table line; the last column is not padded.
func (p *Printer) line(b *strings.Builder, cells []string) {
	for i, c := range cells {
		if i >= len(p.widths) {
			break
		}
		if i > 0 {
			b.WriteString(" | ")
		}
		c = truncate(c, p.widths[i])
		b.WriteString(c)
		if i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", p.widths[i]-utf8.RuneCountInString(c)))
		}
	}
	b.WriteByte('\n')
}

// truncate cuts s to width characters, the last one "…".
func truncate(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	return string([]rune(s)[:width-1]) + "…"
}

func (p *Printer) vertical(cells []Cell) error {
	wd := 0
	for _, c := range p.cols {
		wd = max(wd, utf8.RuneCountInString(c))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-[ RECORD %d ]%s\n", p.n, strings.Repeat("-", wd+8))
	for i, c := range cells {
		name := p.name(i)
		b.WriteString(name)
		b.WriteString(strings.Repeat(" ", wd-utf8.RuneCountInString(name)))
		b.WriteString(" | ")
		b.WriteString(showText(c))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(p.w, b.String())
	return err
}

// showText is a cell as a table shows it: NULL spelled out, line breaks
// and tabs made visible so that they cannot break the layout.
func showText(c Cell) string {
	if c.Null {
		return "NULL"
	}
	if strings.ContainsAny(c.Text, "\n\r\t") {
		return strings.NewReplacer("\r\n", "↵", "\n", "↵", "\r", "↵", "\t", " ").Replace(c.Text)
	}
	return c.Text
}

func (p *Printer) csvLine(cells []string) error {
	var b []byte
	for i, c := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		b = encode.AppendCSVField(b, c)
	}
	_, err := p.w.Write(append(b, '\n'))
	return err
}
