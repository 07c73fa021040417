package grpc

import (
	"errors"
	"math"
	"time"
)

// errBadTimeout is the error of a malformed grpc-timeout.
var errBadTimeout = errors.New("grpc: malformed grpc-timeout")

// EncodeTimeout returns the value of grpc-timeout for d: at most 8 digits
// and a unit, rounded up so that the server never gives up before the
// caller. d <= 0 is sent as 1n.
func EncodeTimeout(d time.Duration) string {
	if d <= 0 {
		return "1n"
	}
	const max8 = 99999999
	units := [...]struct {
		d time.Duration
		u byte
	}{{time.Nanosecond, 'n'}, {time.Microsecond, 'u'}, {time.Millisecond, 'm'}, {time.Second, 'S'}, {time.Minute, 'M'}, {time.Hour, 'H'}}
	for _, u := range units {
		v := d / u.d // not (d+u.d-1)/u.d: that overflows near MaxInt64
		if d%u.d != 0 {
			v++
		}
		if v <= max8 {
			return formatUint(uint64(v)) + string(u.u)
		}
	}
	return "99999999H"
}

func formatUint(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}

// DecodeTimeout parses a grpc-timeout value: 1 to 8 digits and a unit
// (H M S m u n). A value too large for a time.Duration is clamped.
func DecodeTimeout(s string) (time.Duration, error) {
	if len(s) < 2 || len(s) > 9 {
		return 0, errBadTimeout
	}
	var unit time.Duration
	switch s[len(s)-1] {
	case 'H':
		unit = time.Hour
	case 'M':
		unit = time.Minute
	case 'S':
		unit = time.Second
	case 'm':
		unit = time.Millisecond
	case 'u':
		unit = time.Microsecond
	case 'n':
		unit = time.Nanosecond
	default:
		return 0, errBadTimeout
	}
	var v int64
	for i := 0; i < len(s)-1; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errBadTimeout
		}
		v = v*10 + int64(c-'0')
	}
	if v > math.MaxInt64/int64(unit) {
		return math.MaxInt64, nil
	}
	return time.Duration(v) * unit, nil
}
