package output

import (
	"fmt"
	"strings"
)

// ValidateKey checks that key is a usable object key: not empty, no leading
// or trailing '/', no empty, "." or ".." segment, no backslash or NUL.
// Both stores apply it, so a key valid on one is valid on the other.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("invalid key %q: empty", key)
	}
	if strings.ContainsAny(key, "\\\x00") {
		return fmt.Errorf("invalid key %q: backslash or NUL", key)
	}
	for _, seg := range strings.Split(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("invalid key %q: empty segment", key)
		case ".", "..":
			return fmt.Errorf("invalid key %q: %q segment", key, seg)
		}
	}
	return nil
}
