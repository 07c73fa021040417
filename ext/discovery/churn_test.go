package discovery_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
)

// Instances that come and go while calls pick, fail (so ejection timers
// start and stop) and finish, with Close in the middle: no race, no pick of
// an instance that was never in the set, no ejection count left over, and
// (goleak, in TestMain) no timer goroutine left behind.
func TestChurnWhilePickingAndClosing(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			all := instances(64, 1, 2, 3, 400, discovery.MaxWeight)
			valid := make(map[string]bool)
			for _, in := range all {
				valid[in.Addr] = true
			}
			st := discovery.NewStatic(all...)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			b, err := discovery.NewBalancer(ctx, st, "svc", discovery.WithPolicy(p), discovery.WithRandom(seeded(1)),
				discovery.WithOutlierDetection(1, time.Hour), discovery.WithMaxEjectedPercent(100))
			require.NoError(t, err)

			var wg sync.WaitGroup
			stop := make(chan struct{})
			var held []discovery.Pick
			var heldMu sync.Mutex
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						pk, err := b.Pick(string(rune('a' + i%26)))
						if err != nil {
							assert.ErrorIs(t, err, discovery.ErrNoInstance)
							continue
						}
						assert.True(t, valid[pk.Instance().Addr], pk.Instance().Addr)
						if i%7 == w {
							// Finished later, after its instance may have
							// left or the balancer closed.
							heldMu.Lock()
							held = append(held, pk)
							heldMu.Unlock()
							continue
						}
						if i%3 == 0 {
							pk.Done(discovery.ErrConnection)
						} else {
							pk.Done(nil)
						}
					}
				}()
			}
			for i := range 300 {
				lo := i % 32
				st.Set(all[lo : lo+1+i%32]...)
			}
			require.NoError(t, b.Close())
			last := b.Instances()
			st.Set(all[:1]...) // after Close: not followed
			close(stop)
			wg.Wait()
			for _, pk := range held {
				pk.Done(discovery.ErrConnection)
			}
			for _, in := range all {
				assert.False(t, b.Ejected(in.Addr), "nothing stays ejected after Close: %s", in.Addr)
			}
			assert.Equal(t, last, b.Instances(), "a closed balancer keeps its last instances")
		})
	}
}
