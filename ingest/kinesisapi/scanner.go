package kinesisapi

import (
	"bytes"
	"encoding/json"
)

// maxDepth is how deeply values may nest, as in encoding/json.
const maxDepth = 10000

// scanner walks a JSON document in place for the PutRecords decoder. It
// accepts exactly the JSON that encoding/json accepts; strings it cannot take
// verbatim (escapes, non-ASCII) are handed to encoding/json, so decoded values
// are the same as encoding/json's too.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) syntaxErr(what string) error {
	return clientErr(typeSerialization, "Malformed JSON at offset %d: %s.", s.i, what)
}

func (s *scanner) typeErr(member, want string) error {
	return clientErr(typeSerialization, "Cannot convert the JSON value at offset %d (%s) to %s.", s.i, member, want)
}

func (s *scanner) ws() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// consume skips the next non-space byte, which must be c.
func (s *scanner) consume(c byte, what string) error {
	if s.peek() != c {
		if s.i >= len(s.b) {
			return s.syntaxErr("unexpected end of JSON input")
		}
		return s.syntaxErr("expected " + what)
	}
	s.i++
	return nil
}

// null consumes a null literal if one is next.
func (s *scanner) null() (bool, error) {
	if s.peek() != 'n' {
		return false, nil
	}
	return true, s.literal("null")
}

func (s *scanner) literal(lit string) error {
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		return s.syntaxErr("invalid literal")
	}
	s.i += len(lit)
	return nil
}

// str scans a string at s.i (which holds '"') and returns the token with its
// quotes and whether it needs encoding/json to unquote it (escapes or
// non-ASCII bytes, which may be invalid UTF-8).
func (s *scanner) str() (tok []byte, slow bool, err error) {
	b := s.b
	start := s.i
	i := s.i + 1
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return b[start:s.i], slow, nil
		case c == '\\':
			slow = true
			if i+1 >= len(b) {
				s.i = i
				return nil, false, s.syntaxErr("unexpected end of JSON input")
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					s.i = i
					return nil, false, s.syntaxErr("invalid \\u escape in string")
				}
				i += 6
			default:
				s.i = i
				return nil, false, s.syntaxErr("invalid escape in string")
			}
		case c < 0x20:
			s.i = i
			return nil, false, s.syntaxErr("control character in string")
		default:
			if c >= 0x80 {
				slow = true
			}
			i++
		}
	}
	s.i = i
	return nil, false, s.syntaxErr("unexpected end of JSON input")
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// stringValue scans a string and returns it unquoted.
func (s *scanner) stringValue() (string, error) {
	tok, slow, err := s.str()
	if err != nil {
		return "", err
	}
	if !slow {
		return string(tok[1 : len(tok)-1]), nil
	}
	var v string
	if err := json.Unmarshal(tok, &v); err != nil {
		return "", s.syntaxErr("invalid string")
	}
	return v, nil
}

// skip scans over any value.
func (s *scanner) skip(depth int) error {
	if depth > maxDepth {
		return s.syntaxErr("exceeded max depth")
	}
	switch c := s.peek(); {
	case c == '{':
		s.i++
		if s.peek() == '}' {
			s.i++
			return nil
		}
		for {
			if s.peek() != '"' {
				return s.syntaxErr("expected a member name")
			}
			if _, _, err := s.str(); err != nil {
				return err
			}
			if err := s.consume(':', "':' after a member name"); err != nil {
				return err
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			if more, err := s.next('}'); err != nil || !more {
				return err
			}
		}
	case c == '[':
		s.i++
		if s.peek() == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			if more, err := s.next(']'); err != nil || !more {
				return err
			}
		}
	case c == '"':
		_, _, err := s.str()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 0 && s.i >= len(s.b):
		return s.syntaxErr("unexpected end of JSON input")
	}
	return s.syntaxErr("invalid character")
}

// next consumes ',' (more members follow: true) or the closing byte (false).
func (s *scanner) next(closing byte) (bool, error) {
	switch s.peek() {
	case ',':
		s.i++
		return true, nil
	case closing:
		s.i++
		return false, nil
	case 0:
		if s.i >= len(s.b) {
			return false, s.syntaxErr("unexpected end of JSON input")
		}
	}
	return false, s.syntaxErr("expected ',' or '" + string(closing) + "'")
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *scanner) number() error {
	b, i := s.b, s.i
	digits := func() bool {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		s.i = i
		return s.syntaxErr("invalid number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			s.i = i
			return s.syntaxErr("invalid number")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			s.i = i
			return s.syntaxErr("invalid number")
		}
	}
	s.i = i
	return nil
}

// end checks that only white space follows the top-level value.
func (s *scanner) end() error {
	if s.peek() != 0 || s.i < len(s.b) {
		return s.syntaxErr("invalid character after top-level value")
	}
	return nil
}
