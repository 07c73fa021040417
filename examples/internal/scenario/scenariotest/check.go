// Package scenariotest checks a run of the scenario, for the end-to-end
// tests of examples/demo and examples/stack.
package scenariotest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/examples/internal/scenario"
)

// Check asserts what the scenario promises: calls spread over the three
// instances; the instance stopped hard (the one the balancer favoured)
// served nothing more, its breaker
// opened and the balancer ejected it, with no user call failing; the
// client's and the server's spans of one call linked across the hop; the
// client's persistent metainfo seen by every handler; the burst's excess
// rejected by the rate limit with the caller seeing "resource exhausted";
// both duration histograms measured every call.
func Check(t *testing.T, rep *scenario.Report, out string) {
	t.Helper()
	require.NotNil(t, rep)
	for _, name := range []string{"a", "b", "c"} {
		assert.Positive(t, rep.Spread[name], "instance %s served some of the first calls", name)
	}
	assert.Zero(t, rep.Failed, "no user call failed while a healthy instance was up; first: %v", rep.FirstFailure)
	require.Contains(t, []string{"a", "b", "c"}, rep.Stopped)
	assert.Zero(t, rep.After[rep.Stopped], "the stopped instance served nothing")
	assert.Positive(t, rep.AfterCalls)
	assert.Equal(t, rep.AfterCalls, rep.After["a"]+rep.After["b"]+rep.After["c"], "the others served every call")
	assert.True(t, rep.BreakerOpen, "the stopped instance's breaker opened")
	assert.True(t, rep.Ejected, "the balancer ejected the stopped instance")

	require.Len(t, rep.Trace, 2, "one client and one server span")
	cs, ss := rep.Trace[0], rep.Trace[1]
	assert.Equal(t, "client", cs.Kind)
	assert.Equal(t, "server", ss.Kind)
	assert.Equal(t, cs.TraceID, ss.TraceID, "one trace")
	assert.Equal(t, cs.SpanID, ss.Parent, "the server's span is the client's child")
	assert.True(t, ss.RemoteParent)
	assert.Empty(t, cs.Parent)
	for _, s := range rep.Trace {
		assert.Equal(t, "Echo/echo", s.Name)
		assert.Equal(t, "thrift", s.System)
		assert.Equal(t, "ok", s.Status)
	}

	assert.Equal(t, map[string]bool{"acme": true}, rep.Tenant, "every handler saw the client's tenant")

	assert.Equal(t, 5, rep.BurstServed)
	assert.Equal(t, 15, rep.BurstLimited, "rejected with ratelimit.ErrLimited")
	assert.Equal(t, map[string]int{"resource_exhausted": 15}, rep.LimitedCodes, "the caller sees resource exhausted")

	assert.Equal(t, uint64(90+1+rep.AfterCalls+20), rep.Histograms["rpc.client.call.duration"])
	assert.Equal(t, uint64(90+1+rep.AfterCalls+5), rep.Histograms["rpc.server.call.duration"])

	assert.Contains(t, out, "client stack: tracing(client) -> ratelimit(")
	assert.Contains(t, out, "-> timeout(2s) -> loadbalance(p2c_peak_ewma")
	assert.Contains(t, out, "-> circuitbreaker per key(")
	assert.Contains(t, out, "server stack: tracing(server) -> concurrency(64) -> catch-panic -> handler")
}
