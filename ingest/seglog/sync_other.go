//go:build !linux

package seglog

import "os"

// datasync flushes f to the device (fsync; fdatasync is Linux-only here).
func datasync(f *os.File) error { return f.Sync() }
