package discovery

// SetClock replaces the balancer's monotonic clock (nanoseconds), for
// simulations in virtual time. Call it before the first pick.
func SetClock(b *Balancer, now func() int64) { b.clock = now }
