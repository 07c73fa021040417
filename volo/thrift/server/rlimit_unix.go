//go:build linux || darwin

package server

import "syscall"

// fileLimit raises the soft limit on open files to the hard one, as Go's
// runtime does at start since Go 1.19 (a process that lowered it, or a
// runtime that did not raise it, gets it raised here), and returns the
// limits before and after. ok is false if they cannot be read.
func fileLimit() (was, soft, hard uint64, ok bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, 0, 0, false
	}
	was = r.Cur
	if r.Cur < r.Max {
		raised := r
		raised.Cur = r.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			r = raised
		}
	}
	return was, r.Cur, r.Max, true
}
