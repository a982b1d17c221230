package sigv4

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// LoadCredentials reads the access key / secret key pairs in the file at
// path (see ParseCredentials for its format) and returns a Verifier that
// accepts requests signed with any of them.
func LoadCredentials(path string) (*Verifier, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load credentials: %w", err)
	}
	defer f.Close()
	keys, err := parseCredentials(f)
	if err != nil {
		return nil, fmt.Errorf("load credentials %s: %w", path, err)
	}
	return NewVerifier(keys), nil
}

// ParseCredentials reads access key / secret key pairs and returns them as a
// map from access key id to secret access key. It accepts two forms, which
// may be mixed in one file:
//
//	# one pair per line: access key id, white space, secret access key
//	AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
//
//	; AWS shared-credentials style: each section names one pair
//	[producer]
//	aws_access_key_id = AKIDPRODUCER
//	aws_secret_access_key = c2VjcmV0
//
// Bare pairs come before the first section. Blank lines and lines starting
// with '#' or ';' are ignored, and so are other keys in a section
// (aws_session_token, region, …). A section must carry both keys; an access
// key listed twice with different secrets is an error.
func ParseCredentials(r io.Reader) (map[string]string, error) {
	keys, err := parseCredentials(r)
	if err != nil {
		return nil, fmt.Errorf("parse credentials: %w", err)
	}
	return keys, nil
}

func parseCredentials(r io.Reader) (map[string]string, error) {
	keys := map[string]string{}
	add := func(line int, id, secret string) error {
		if old, ok := keys[id]; ok && old != secret {
			return fmt.Errorf("line %d: access key %s is listed twice with different secrets", line, id)
		}
		keys[id] = secret
		return nil
	}

	var (
		section             string // "" outside any section
		sectionLine         int
		sectionID, sectionS string
	)
	closeSection := func() error {
		if section == "" {
			return nil
		}
		if sectionID == "" || sectionS == "" {
			return fmt.Errorf("line %d: section [%s] needs both aws_access_key_id and aws_secret_access_key", sectionLine, section)
		}
		err := add(sectionLine, sectionID, sectionS)
		section, sectionID, sectionS = "", "", ""
		return err
	}

	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") || len(line) < 3 {
				return nil, fmt.Errorf("line %d: malformed section header %q", n, line)
			}
			if err := closeSection(); err != nil {
				return nil, err
			}
			section, sectionLine = strings.TrimSpace(line[1:len(line)-1]), n
		case strings.Contains(line, "="):
			if section == "" {
				return nil, fmt.Errorf("line %d: key = value outside a [section]", n)
			}
			k, v, _ := strings.Cut(line, "=")
			k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
			switch k {
			case "aws_access_key_id":
				sectionID = v
			case "aws_secret_access_key":
				sectionS = v
			}
		default:
			if section != "" {
				return nil, fmt.Errorf("line %d: expected key = value inside section [%s]", n, section)
			}
			f := strings.Fields(line)
			if len(f) != 2 {
				return nil, fmt.Errorf("line %d: expected ACCESS_KEY_ID SECRET_ACCESS_KEY, found %d fields", n, len(f))
			}
			if err := add(n, f[0], f[1]); err != nil {
				return nil, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := closeSection(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no credentials found")
	}
	return keys, nil
}
