// Package ratelimit compares a call through volo's Rate layer with go-kit's
// ratelimit.NewErroringLimiter and with a bare (*rate.Limiter).Allow, all over
// a *rate.Limiter of the same settings, in the same benchmark run: the
// admitted path and the rejected path.
package ratelimit
