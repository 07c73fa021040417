// Package retry compares a call through volo's retry layer (ext/retry) with
// failsafe-go's retry policy, and its hedging with failsafe-go's hedge
// policy, in the same benchmark run: the path every healthy call takes (one
// attempt, which answers), one retry, and a hedged call answered before
// its hedge is due.
package retry
