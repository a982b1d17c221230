package decode

import "fmt"

// scanCSV reads one CSV line (RFC 4180) whose fields are the declared
// columns in order. One trailing line break is ignored. A quoted field may
// hold commas, line breaks and doubled quotes; an empty unquoted field is
// null, an empty quoted one ("") the empty string.
func (d *Decoder) scanCSV(data []byte) string {
	if n := len(data); n > 0 && data[n-1] == '\n' {
		data = data[:n-1]
		if n := len(data); n > 0 && data[n-1] == '\r' {
			data = data[:n-1]
		}
	}
	n := 0 // fields seen
	pos := 0
	for {
		var f *field
		if n < len(d.byDecl) {
			if fi := d.byDecl[n]; fi >= 0 {
				f = &d.fields[fi]
			}
		}
		n++
		if pos < len(data) && data[pos] == '"' {
			end, escaped, reason := quotedEnd(data, pos+1)
			if reason != "" {
				return fmt.Sprintf("CSV field %d: %s", n, reason)
			}
			if f != nil {
				f.tok = tokString
				f.text = data[pos+1 : end]
				if escaped {
					f.buf = unquote(f.buf[:0], f.text)
					f.text = f.buf
				}
			}
			pos = end + 1
			if pos < len(data) && data[pos] != ',' {
				return fmt.Sprintf("CSV field %d: %s after closing quote", n, quoteByte(data[pos]))
			}
		} else {
			start := pos
			for pos < len(data) && data[pos] != ',' {
				switch data[pos] {
				case '"':
					return fmt.Sprintf("CSV field %d: bare quote in unquoted field", n)
				case '\n', '\r':
					return fmt.Sprintf("CSV field %d: line break in unquoted field", n)
				}
				pos++
			}
			if f != nil {
				f.text = data[start:pos]
				f.tok = tokString
				if pos == start {
					f.tok = tokNull
				}
			}
		}
		if pos >= len(data) {
			break
		}
		pos++ // the comma
	}
	if n != len(d.byDecl) {
		return fmt.Sprintf("CSV record has %d fields, want %d", n, len(d.byDecl))
	}
	return ""
}

// quotedEnd finds the closing quote of a quoted field whose text starts at
// i, and whether the text holds doubled quotes.
func quotedEnd(data []byte, i int) (end int, escaped bool, reason string) {
	for i < len(data) {
		if data[i] != '"' {
			i++
			continue
		}
		if i+1 < len(data) && data[i+1] == '"' {
			escaped = true
			i += 2
			continue
		}
		return i, escaped, ""
	}
	return 0, false, "unterminated quoted field"
}

// unquote appends text with each doubled quote made single.
func unquote(dst, text []byte) []byte {
	for i := 0; i < len(text); i++ {
		dst = append(dst, text[i])
		if text[i] == '"' {
			i++ // skip the second quote of the pair
		}
	}
	return dst
}
