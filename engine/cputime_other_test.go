//go:build !unix

package engine_test

import "testing"

// cpuTime is 0 where the process's CPU time is not at hand.
func cpuTime(*testing.B) int64 { return 0 }
